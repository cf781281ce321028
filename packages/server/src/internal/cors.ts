import type { CorsOptions } from '../createHandler.js';

/** The CORS headers for this request's origin, or `undefined` (CORS off, or an origin not allowed). */
export function corsHeaders(options: CorsOptions | undefined, request: Request): Headers | undefined {
  if (options === undefined) return undefined;
  const origin = request.headers.get('origin');
  const allowed = options.origin;
  let value: string | undefined;
  if (allowed === '*') value = '*';
  else if (origin !== null && (typeof allowed === 'string' ? allowed === origin : allowed.includes(origin)))
    value = origin;
  if (value === undefined) return undefined;
  const headers = new Headers({
    'access-control-allow-origin': value,
    'access-control-expose-headers': 'x-run-id',
  });
  if (value !== '*') headers.set('vary', 'origin');
  return headers;
}

/** The answer to a preflight request from an allowed origin. */
export function preflight(cors: Headers): Response {
  const headers = new Headers(cors);
  headers.set('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
  headers.set('access-control-allow-headers', 'content-type, last-event-id');
  headers.set('access-control-max-age', '600');
  return new Response(null, { status: 204, headers });
}
