// Bounded JSON fetches to the issuer (metadata, introspection): an issuer that hangs or answers without end costs an
// API one timeout, never a stuck request or unbounded memory.

/** Like jose's remote key set: an issuer slower than this is treated as unreachable. */
export const ISSUER_TIMEOUT_MS = 5000;
/** Metadata and introspection answers are a few hundred bytes; anything near this is not one. */
export const MAX_ANSWER_BYTES = 65_536;

/**
 * Fetches `url` and parses its JSON body, with a timeout over the whole exchange and a cap on the body read.
 * @throws Error on a timeout, a non-2xx status, a body over the cap, or a body that is not JSON.
 */
export async function fetchJson(url: string | URL, init: RequestInit): Promise<unknown> {
  const response = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(ISSUER_TIMEOUT_MS) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${String(url)} answered ${response.status}`);
  }
  return JSON.parse(await readCapped(response)) as unknown;
}

/** The body as text, refusing one over `maxBytes`. @throws Error past the cap */
export async function readCapped(response: Response, maxBytes = MAX_ANSWER_BYTES): Promise<string> {
  if (response.body === null) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early (throw) cancels the stream, so the rest of an oversized body is never read.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new Error(`the answer is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
