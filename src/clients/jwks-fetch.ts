// Fetching a client's jwks_uri (RFC 7591 §2): bounded in time and size, no redirects, and the answer must be a JWK Set.
import { isLoopbackHost } from '../config/rules.js';
import type { JsonWebKeySet } from '../store/records.js';
import { checkJwkSet, InvalidJwkSet } from './jwk-set.js';

export interface JwksFetchLimits {
  /** `clientAssertions.jwksTimeout`: the whole exchange, body included. */
  readonly timeoutMs: number;
  /** `clientAssertions.jwksMaxBytes`: counted while the body streams in, so a huge answer is never held whole. */
  readonly maxBytes: number;
  /** Whether http (to a loopback host) may be fetched: only while the issuer itself is http, i.e. local development. */
  readonly allowLoopbackHttp: boolean;
}

/** The keys could not be fetched; the message is for the log (an operator's fix), never for the client. */
export class JwksFetchFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwksFetchFailed';
  }
}

function checkFetchable(uri: string, allowLoopbackHttp: boolean): URL {
  const url = new URL(uri);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname)) return url;
  throw new JwksFetchFailed(`jwks_uri ${uri} is not https, and http is used only for a loopback host while the issuer is http`);
}

/** The body as text, refusing it once more than `maxBytes` arrived (or are announced). */
async function readBounded(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = () => new JwksFetchFailed(`the answer is larger than ${maxBytes} bytes (clientAssertions.jwksMaxBytes)`);
  const declared = Number(response.headers.get('content-length'));
  if (response.body === null) return '';
  if (declared > maxBytes) {
    await response.body.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fetches and checks the JWK Set at `uri`.
 * @throws JwksFetchFailed when the URL may not be fetched, nothing answers within the timeout, the answer is not a
 * 200 (redirects are not followed), is too large, or is not a JWK Set of public signing keys.
 */
export async function fetchJwkSet(uri: string, limits: JwksFetchLimits): Promise<JsonWebKeySet> {
  const url = checkFetchable(uri, limits.allowLoopbackHttp);
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const response = await fetch(url, { redirect: 'manual', signal, headers: { accept: 'application/jwk-set+json, application/json' } });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new JwksFetchFailed(`jwks_uri answered HTTP ${response.status}, expected 200`);
    }
    return checkJwkSet(JSON.parse(await readBounded(response, limits.maxBytes)));
  } catch (error) {
    if (error instanceof JwksFetchFailed) throw error;
    if (signal.aborted) throw new JwksFetchFailed(`jwks_uri did not answer within ${limits.timeoutMs} ms (clientAssertions.jwksTimeout)`, { cause: error });
    if (error instanceof SyntaxError) throw new JwksFetchFailed('jwks_uri did not answer with JSON', { cause: error });
    if (error instanceof InvalidJwkSet) throw new JwksFetchFailed(`jwks_uri did not answer with a usable JWK Set: ${error.message}`, { cause: error });
    throw new JwksFetchFailed('fetching jwks_uri failed', { cause: error });
  }
}
