// The page of `rxagents web`, one self-contained HTML string: plain DOM and one inline script that
// speaks only the @rxagents/server HTTP API under `/api`. It is not examples/browser's view because
// that one renders a run's Observable in the page (core bundled by esbuild at the example's test
// time); this one renders SSE JSON from a server, and a string needs no build step in the CLI.
// The script is ES2020 without template literals, so the TypeScript string holds it as is.

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 0; display: grid; grid-template-columns: 260px 1fr 320px; height: 100vh; }
aside, main, section { padding: 12px; overflow: auto; border-right: 1px solid #ddd; }
h2 { font-size: 13px; text-transform: uppercase; color: #666; margin: 16px 0 6px; }
button { cursor: pointer; } input[type=text], textarea, select { width: 100%; box-sizing: border-box; }
#lanes { display: flex; gap: 8px; align-items: flex-start; }
.lane { flex: 1; min-width: 160px; background: #f6f7f9; border-radius: 6px; padding: 6px; }
.lane h3 { font-size: 12px; margin: 0 0 6px; color: #335; }
.ev { background: #fff; border-radius: 4px; padding: 4px 6px; margin: 4px 0; white-space: pre-wrap; }
.ev.streaming { border-left: 3px solid #49f; } .ev.state { border-left: 3px solid #2a2; font-family: monospace; }
.ev.request { border-left: 3px solid #e90; }
pre { background: #f6f7f9; padding: 6px; white-space: pre-wrap; }
.session { display: block; width: 100%; text-align: left; margin: 2px 0; }
ul.tree { padding-left: 14px; margin: 0; }
`;

const SCRIPT = `
const $ = (id) => document.getElementById(id);
const USER = 'user';
let agentName = null, sessionId = null, runId = null;
const api = (path, init) => fetch('/api' + path, init);
const post = (path, body) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const sessionsPath = () => '/agents/' + encodeURIComponent(agentName) + '/users/' + USER + '/sessions';
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const textOf = (ev) => ((ev.content && ev.content.parts) || []).map((p) => p.text || '').join('');

function renderTree(tree) {
  const li = el('li', '', tree.name);
  if (tree.subAgents && tree.subAgents.length) { const ul = el('ul', 'tree'); tree.subAgents.forEach((t) => ul.appendChild(renderTree(t))); li.appendChild(ul); }
  return li;
}

function lane(branch) {
  let l = document.querySelector('.lane[data-branch="' + CSS.escape(branch) + '"]');
  if (!l) { l = el('div', 'lane'); l.dataset.branch = branch; l.appendChild(el('h3', '', branch)); $('lanes').appendChild(l); }
  return l;
}

function showEvent(ev) {
  const l = lane(ev.branch || ev.author || 'root');
  const text = textOf(ev);
  let streaming = l.querySelector('.ev.streaming');
  if (ev.partial) {
    if (!streaming) { streaming = el('div', 'ev streaming'); l.appendChild(streaming); }
    streaming.textContent += text;
    return;
  }
  if (streaming) streaming.remove();
  if (text) l.appendChild(el('div', 'ev text', ev.author + ': ' + text));
  const delta = ev.actions && ev.actions.stateDelta;
  if (delta && Object.keys(delta).length) l.appendChild(el('div', 'ev state', 'state ' + JSON.stringify(delta)));
}

async function loadAgents() {
  const agents = await (await api('/agents')).json();
  const select = $('agent');
  agents.forEach((a) => select.appendChild(el('option', '', a.name)));
  select.onchange = () => pickAgent(agents.find((a) => a.name === select.value));
  pickAgent(agents[0]);
}

function pickAgent(agent) {
  agentName = agent.name; sessionId = null;
  const tree = $('tree'); tree.textContent = ''; tree.appendChild(renderTree(agent));
  $('lanes').textContent = '';
  loadSessions();
}

async function loadSessions() {
  const list = await (await api(sessionsPath())).json();
  const box = $('sessions'); box.textContent = '';
  (list.sessions || list).forEach((s) => {
    const id = s.sessionId || s.id; const b = el('button', 'session', id); b.onclick = () => openSession(id); box.appendChild(b);
  });
}

async function openSession(id) {
  sessionId = id;
  const s = await (await api(sessionsPath() + '/' + encodeURIComponent(id))).json();
  $('session-id').textContent = id;
  $('lanes').textContent = '';
  s.events.forEach(showEvent);
  $('state').textContent = JSON.stringify(s.state, null, 2);
  const slider = $('slider');
  slider.min = -1; slider.max = s.events.length - 1; slider.value = s.events.length - 1;
  $('slider-at').textContent = String(slider.value);
  renderPending(s.pendingRequests || []);
}

function renderPending(requests) {
  const box = $('pending'); box.textContent = '';
  requests.forEach((r) => {
    const div = el('div', 'ev request');
    div.appendChild(el('div', '', r.author + ' asks (' + r.kind + '): ' + JSON.stringify(r.payload)));
    const answer = el('textarea'); answer.placeholder = 'answer as JSON'; answer.dataset.request = r.id;
    const send = el('button', '', 'Answer');
    send.onclick = () => { const resume = {}; resume[r.id] = JSON.parse(answer.value); startRun({ resume: resume }); };
    div.appendChild(answer); div.appendChild(send); box.appendChild(div);
  });
}

async function ensureSession() {
  if (sessionId) return sessionId;
  const s = await (await post(sessionsPath(), {})).json();
  sessionId = s.id; $('session-id').textContent = s.id;
  return s.id;
}

async function startRun(body) {
  const id = await ensureSession();
  $('status').textContent = 'running';
  const response = await post(sessionsPath() + '/' + encodeURIComponent(id) + '/runs', body);
  if (!response.ok) { $('status').textContent = 'refused: ' + (await response.text()); return; }
  runId = response.headers.get('x-run-id');
  $('cancel').disabled = false;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '', end = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\\n\\n')) >= 0) {
      const message = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      const kind = (message.match(/^event: (.*)$/m) || [])[1] || 'message';
      const data = (message.match(/^data: (.*)$/m) || [])[1];
      if (data === undefined) continue;
      if (kind === 'message') showEvent(JSON.parse(data));
      if (kind === 'end') end = JSON.parse(data);
    }
  }
  runId = null; $('cancel').disabled = true;
  await openSession(id);
  await loadSessions();
  // Set last: the status says the page shows the committed session.
  $('status').textContent = end ? end.status : 'disconnected';
}

$('send').onclick = () => { const m = $('message').value; $('message').value = ''; startRun({ message: m }); };
$('new-session').onclick = () => { sessionId = null; $('session-id').textContent = '(new)'; $('lanes').textContent = ''; $('pending').textContent = ''; };
$('cancel').onclick = () => { if (runId) post('/runs/' + encodeURIComponent(runId) + '/cancel', {}); };
$('slider').oninput = async () => {
  const at = $('slider').value;
  const r = await (await api(sessionsPath() + '/' + encodeURIComponent(sessionId) + '/state?at=' + at)).json();
  if (String(r.at) !== $('slider').value) return;
  $('slider-at').textContent = String(r.at);
  $('state').textContent = JSON.stringify(r.state, null, 2);
};
loadAgents();
`;

/** The HTML of the `rxagents web` dev UI. */
export const WEB_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rxagents web</title><style>${STYLE}</style></head>
<body>
<aside>
  <h2>Agent</h2><select id="agent"></select>
  <h2>Tree</h2><ul class="tree" id="tree"></ul>
  <h2>Sessions</h2><button id="new-session">New session</button><div id="sessions"></div>
</aside>
<main>
  <div>Session <code id="session-id">(new)</code> · <span id="status">idle</span></div>
  <p><input type="text" id="message" placeholder="Message"> <button id="send">Send</button> <button id="cancel" disabled>Cancel run</button></p>
  <div id="lanes"></div>
  <h2>Pending requests</h2><div id="pending"></div>
</main>
<section>
  <h2>State after event <span id="slider-at">-</span></h2>
  <input type="range" id="slider" min="-1" max="-1" value="-1" style="width:100%">
  <pre id="state">{}</pre>
</section>
<script type="module">${SCRIPT}</script>
</body></html>
`;
