// Token introspection (RFC 7662) for APIs that must see a revocation at once, with a short, bounded answer cache.
import { fetchJson } from './fetch-json.js';
import { createHash } from 'node:crypto';
import { TokenRejected } from './jwt-access-token.js';
import { principalFromClaims, type Principal } from './principal.js';

export interface IntrospectionOptions {
  /** The API's own client credentials at the authorization server, sent with client_secret_basic. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Default: `introspection_endpoint` from the issuer's metadata. */
  readonly endpoint?: string;
  /** Seconds an answer is reused, never beyond the token's expiry; default 10, 0 asks every time. */
  readonly cacheTtl?: number;
  /** Most answers kept at once; default 10 000. */
  readonly cacheSize?: number;
}

export interface IntrospectionCheck {
  readonly issuer: string;
  readonly audience: string | readonly string[];
  readonly clockTolerance: number;
  readonly now: () => number;
}

type CachedAnswer = { readonly principal: Principal | TokenRejected; readonly until: number };

/**
 * Asks the issuer whether each token is active. Answers (active or not) are cached under the SHA-256 of the token,
 * never the token itself, for at most `cacheTtl`.
 * @throws TokenRejected for an inactive token or one for another audience; any other error means the endpoint failed.
 */
export function introspectingVerifier(options: IntrospectionOptions, endpoint: () => Promise<string>, check: IntrospectionCheck): (token: string) => Promise<Principal> {
  const ttlMs = (options.cacheTtl ?? 10) * 1000;
  const maxEntries = options.cacheSize ?? 10_000;
  const cache = new Map<string, CachedAnswer>();
  // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  const authorization = `Basic ${Buffer.from(`${encode(options.clientId)}:${encode(options.clientSecret)}`).toString('base64')}`;

  const introspect = async (token: string): Promise<Principal | TokenRejected> => {
    const answer = await fetchJson(await endpoint(), {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
    });
    return judge(answer, check);
  };

  return async (token) => {
    const key = createHash('sha256').update(token).digest('base64url');
    const now = check.now();
    const cached = cache.get(key);
    let answer = cached !== undefined && now < cached.until ? cached.principal : undefined;
    if (answer === undefined) {
      answer = await introspect(token);
      const expiresAt = answer instanceof TokenRejected ? Infinity : answer.expiresAt * 1000;
      // Attacker-chosen tokens must not grow the cache without limit: the oldest answer goes first.
      if (!cache.has(key) && cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(key, { principal: answer, until: Math.min(now + ttlMs, expiresAt) });
    }
    if (answer instanceof TokenRejected) throw answer;
    return answer;
  };
}

/** RFC 7662 §2.2 and §4: only `active: true` counts, and the token must be meant for this API and its issuer. */
function judge(answer: unknown, check: IntrospectionCheck): Principal | TokenRejected {
  if (typeof answer !== 'object' || answer === null) throw new Error('token introspection answered something other than a JSON object');
  const claims = answer as Record<string, unknown>;
  if (claims.active !== true) return new TokenRejected('the token is not active');
  if (claims.iss !== undefined && claims.iss !== check.issuer) return new TokenRejected('the token is from another issuer');
  const principal = principalFromClaims(claims);
  if (principal === undefined) return new TokenRejected('the introspection answer lacks sub, client_id or exp');
  const expected = typeof check.audience === 'string' ? [check.audience] : check.audience;
  if (!principal.audience.some((audience) => expected.includes(audience))) return new TokenRejected('the token is for another audience');
  if (principal.expiresAt + check.clockTolerance <= check.now() / 1000) return new TokenRejected('the token has expired');
  return principal;
}
