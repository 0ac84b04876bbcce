// Reading the bearer token of a request (RFC 6750 §2.1), from any framework's request object.
import { ResourceServerError } from './errors.js';

/** What is read of a request: Node's, Fastify's and Express's request objects all fit. */
export interface RequestLike {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The request target (path and query), to refuse a token sent in the query. */
  readonly url?: string | undefined;
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The one bearer token of the request.
 * @throws ResourceServerError: `invalid_request` for a malformed or repeated Authorization header or a token in the
 * query; no error code (a bare challenge) when the request carries no bearer token.
 */
export function readBearerToken(request: RequestLike, realm?: string): string {
  // RFC 9700 §4.3.2: a token in the URI leaks into logs and history, so the query is never a token source.
  if (request.url !== undefined && queryOf(request.url).has('access_token')) {
    throw new ResourceServerError('invalid_request', 'Access tokens are not accepted in the query string.', { realm });
  }
  const authorization = request.headers.authorization;
  if (authorization !== undefined && typeof authorization !== 'string') {
    throw new ResourceServerError('invalid_request', 'The request has more than one Authorization header.', { realm });
  }
  // RFC 6750 §3.1: a request without a bearer credential gets a challenge without an error code.
  if (authorization === undefined || !/^bearer(\s|$)/i.test(authorization)) {
    throw new ResourceServerError(undefined, 'No bearer token was presented.', { realm });
  }
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw new ResourceServerError('invalid_request', 'The Authorization header is not a well-formed bearer credential.', { realm });
  return token;
}

/** The query of a request target, without parsing the rest of it: any target, however odd, has one (maybe empty). */
function queryOf(target: string): URLSearchParams {
  const start = target.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : target.slice(start + 1).split('#')[0]);
}
