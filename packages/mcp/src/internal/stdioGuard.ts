/**
 * The command line that starts an MCP server over stdio behind a guard process.
 *
 * Why: a server spawned straight from our process outlives it when we are killed (SIGKILL, a
 * crash): nothing of ours runs to stop it, and many servers keep running with their stdin closed
 * (timers, sockets). The guard is a tiny `node -e` script between us and the server: it relays
 * stdin and stdout, and when its stdin ends (we closed the transport, or the kernel closed the
 * pipe because we died) it ends the server's stdin, then sends SIGTERM, then SIGKILL. It exits
 * with the server, and forwards SIGTERM / SIGINT / SIGHUP to it.
 */
export function guardedCommand(
  command: string,
  args: readonly string[],
): { command: string; args: string[] } {
  return { command: process.execPath, args: ['-e', GUARD, '--', command, ...args] };
}

// Plain JavaScript run by `node -e`: no file to resolve, the same from src/ and dist/.
const GUARD = `
const { spawn } = require('node:child_process');
const [command, ...args] = process.argv.slice(1);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
const ignore = () => {};
child.stdin.on('error', ignore);
process.stdout.on('error', ignore);
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
let stopping = false;
process.stdin.on('close', stop);
process.stdin.on('end', stop);
function stop() {
  if (stopping) return;
  stopping = true;
  child.stdin.end();
  setTimeout(() => child.kill('SIGTERM'), 1000);
  setTimeout(() => child.kill('SIGKILL'), 3000);
}
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write('rxagents mcp: cannot start ' + command + ': ' + error.message + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
`;
