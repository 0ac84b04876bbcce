// RFC 6750 §3 answers of a resource server: the status, the WWW-Authenticate challenge and a JSON body.

/** RFC 6750 §3.1 error codes, and RFC 9449 §7.1's for a DPoP proof; a request that presented no token gets a challenge without one. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'invalid_dpop_proof';

const STATUS: Readonly<Record<BearerErrorCode, 400 | 401 | 403>> = { invalid_request: 400, invalid_token: 401, insufficient_scope: 403, invalid_dpop_proof: 401 };

export interface ResourceServerErrorDetails {
  /** The protection space named in the challenge (RFC 6750 §3). */
  readonly realm?: string | undefined;
  /** For `insufficient_scope`: the scope the request needs (RFC 6750 §3). */
  readonly scope?: string | undefined;
  /** Why, for the API's own logs; never part of the answer. */
  readonly cause?: unknown;
  /** RFC 9449 §7.1: the challenge uses the DPoP scheme, naming the proof algorithms accepted. */
  readonly dpopAlgorithms?: readonly string[] | undefined;
}

/**
 * A request the resource server refuses. `status`, `headers` and `body` are the complete answer: 401 with a bare
 * `Bearer` challenge when no token was presented, 400 `invalid_request`, 401 `invalid_token` or 403
 * `insufficient_scope` (with the needed scope) otherwise. The description is fixed text, never a request value.
 */
export class ResourceServerError extends Error {
  /** The RFC 6750 error code, or undefined when the request carried no bearer token at all (RFC 6750 §3.1). */
  readonly code: BearerErrorCode | undefined;
  readonly status: 400 | 401 | 403;
  /** The `WWW-Authenticate` header value. */
  readonly wwwAuthenticate: string;

  constructor(code: BearerErrorCode | undefined, description: string, details: ResourceServerErrorDetails = {}) {
    super(description, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ResourceServerError';
    this.code = code;
    this.status = code === undefined ? 401 : STATUS[code];
    this.wwwAuthenticate = challenge(code, description, details);
  }

  /** Response headers: the challenge, no caching, and the body's type when there is a body. */
  get headers(): Readonly<Record<string, string>> {
    const headers: Record<string, string> = { 'www-authenticate': this.wwwAuthenticate, 'cache-control': 'no-store' };
    if (this.code !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
    return headers;
  }

  /** `{"error", "error_description"}` as JSON, or the empty string when no token was presented. */
  get body(): string {
    return this.code === undefined ? '' : JSON.stringify({ error: this.code, error_description: this.message });
  }
}

/** RFC 6750 §3 and RFC 9449 §7.1: `Bearer` or `DPoP` with auth-params as quoted strings (RFC 9110 §5.6.4). */
function challenge(code: BearerErrorCode | undefined, description: string, details: ResourceServerErrorDetails): string {
  const scheme = details.dpopAlgorithms === undefined ? 'Bearer' : 'DPoP';
  const parameters: [string, string | undefined][] = [
    ['algs', details.dpopAlgorithms?.join(' ')],
    ['realm', details.realm],
    ['error', code],
    ['error_description', code === undefined ? undefined : description],
    ['scope', details.scope],
  ];
  const present = parameters.filter((entry): entry is [string, string] => entry[1] !== undefined);
  return present.length === 0 ? scheme : `${scheme} ${present.map(([name, value]) => `${name}="${value.replace(/["\\]/g, '\\$&')}"`).join(', ')}`;
}
