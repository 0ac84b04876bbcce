// Reading the access token of a request (RFC 6750 §2.1, RFC 9449 §7.1), from any framework's request object.
import { ResourceServerError } from './errors.js';

/** What is read of a request: Node's, Fastify's and Express's request objects all fit. */
export interface RequestLike {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The request target (path and query), to refuse a token sent in the query; a DPoP proof's `htu` names its path. */
  readonly url?: string | undefined;
  /** Express's whole request target: under a mounted router its `url` lacks the mount path, which a proof's `htu` names. */
  readonly originalUrl?: unknown;
  /** The HTTP method, which a DPoP proof's `htm` names. */
  readonly method?: string | undefined;
}

/** The access token and the scheme it was presented with. */
export interface PresentedToken {
  readonly token: string;
  readonly scheme: 'Bearer' | 'DPoP';
}

// RFC 6750 §2.1 and RFC 9449 §7.1: credentials = ("Bearer" / "DPoP") 1*SP token68; schemes are case-insensitive (RFC 9110 §11.1).
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The one access token of the request, sent with the Bearer or the DPoP scheme.
 * @throws ResourceServerError: `invalid_request` for a malformed or repeated Authorization header or a token in the
 * query; no error code (a bare challenge) when the request carries no bearer token.
 */
export function readAccessToken(request: RequestLike, realm?: string): PresentedToken {
  // RFC 9700 §4.3.2: a token in the URI leaks into logs and history, so the query is never a token source.
  if (request.url !== undefined && queryOf(request.url).has('access_token')) {
    throw new ResourceServerError('invalid_request', 'Access tokens are not accepted in the query string.', { realm });
  }
  const authorization = request.headers.authorization;
  if (authorization !== undefined && typeof authorization !== 'string') {
    throw new ResourceServerError('invalid_request', 'The request has more than one Authorization header.', { realm });
  }
  // RFC 6750 §3.1: a request without a bearer credential gets a challenge without an error code.
  if (authorization === undefined || !/^(bearer|dpop)(\s|$)/i.test(authorization)) {
    throw new ResourceServerError(undefined, 'No bearer token was presented.', { realm });
  }
  const [, scheme, token] = CREDENTIALS.exec(authorization) ?? [];
  if (scheme === undefined || token === undefined) {
    throw new ResourceServerError('invalid_request', 'The Authorization header is not a well-formed bearer credential.', { realm });
  }
  return { token, scheme: scheme.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
}

/** The query of a request target, without parsing the rest of it: any target, however odd, has one (maybe empty). */
function queryOf(target: string): URLSearchParams {
  const start = target.indexOf('?');
  return new URLSearchParams(start === -1 ? '' : target.slice(start + 1).split('#')[0]);
}
