// Who a verified access token speaks for, built from RFC 9068 §2.2 claims or an RFC 7662 §2.2 introspection answer.

/** The caller of an API, as its access token describes it. */
export interface Principal {
  /** `sub`: the user, or for a client credentials token the client itself. */
  readonly subject: string;
  /** `client_id`: the application that holds the token. */
  readonly clientId: string;
  /** The granted scope, one entry per scope token. */
  readonly scopes: readonly string[];
  /** `aud`: the resource servers the token is meant for. */
  readonly audience: readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** Every claim of the token (or member of the introspection answer), for what the fields above leave out. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A principal from claims already checked for `sub`, `client_id` and `exp`; undefined when one is missing or mistyped. */
export function principalFromClaims(claims: Readonly<Record<string, unknown>>): Principal | undefined {
  const { sub, client_id: clientId, scope, aud, exp } = claims;
  if (typeof sub !== 'string' || typeof clientId !== 'string' || typeof exp !== 'number') return undefined;
  if (scope !== undefined && typeof scope !== 'string') return undefined;
  const audience = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((value): value is string => typeof value === 'string') : [];
  // RFC 6749 §3.3: scope is a space-delimited list.
  const scopes = (scope ?? '').split(' ').filter((token) => token !== '');
  return { subject: sub, clientId, scopes, audience, expiresAt: exp, claims };
}
