import { HttpError } from '../HttpError.js';

/**
 * The request's JSON body, read up to `limit` bytes: a `content-length` over the limit is refused
 * before reading, and a body without one stops being read at the first byte past it (413). An
 * empty body is `{}`.
 */
export async function readJson(request: Request, limit: number): Promise<unknown> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  const body = request.body;
  if (body === null) return {};
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const source = new TextDecoder().decode(bytes);
  if (source.trim() === '') return {};
  try {
    return JSON.parse(source) as unknown;
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'the request body is not valid JSON', 'body');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'BODY_TOO_LARGE', `the request body is over the limit of ${limit} bytes`, 'body');
}
