// RFC 9068 JWT access tokens: minted with the active key of keys.accessTokenAlgorithm, verified for Gatehouse's own endpoints.
import { randomUUID } from 'node:crypto';
import { InvalidToken } from '../errors/oauth-errors.js';
import { signJwt } from './jwt.js';
import { verifyJwt, type JwtClaims } from './jwt-verification.js';
import type { SigningKey } from './keys/signing-key.js';
import type { PublishedKeys } from './published-key-set.js';
import { PublishedVerificationKeys } from './verification-keys.js';

/** RFC 9068 §2.1: the media type of JWT access tokens, in its short form. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenInput {
  readonly issuer: string;
  readonly userId: string;
  readonly clientId: string;
  /** Space-separated granted scope. */
  readonly scope: string;
  readonly authTime: number;
  /** The token family (grant) it descends from: revoking the family makes the token fail at userinfo. */
  readonly familyId: string;
  /** RFC 8707 §2: the API the token is for (its identifier); the issuer itself (userinfo) when absent. */
  readonly audience?: string;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`); absent for a bearer token. */
  readonly dpopJkt?: string | undefined;
  readonly now: number;
  readonly ttl: number;
}

/** A client credentials token (RFC 6749 §4.4): the client acts on its own behalf, for one API. */
export interface ClientAccessTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  /** The API's identifier (RFC 8707 §2). */
  readonly audience: string;
  readonly dpopJkt?: string | undefined;
  readonly now: number;
  readonly ttl: number;
}

/** What a verified access token says, in domain names. */
export interface VerifiedAccessToken {
  /** The `jti`, which a revocation puts on the deny list. */
  readonly tokenId: string;
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly familyId: string;
  readonly authTime: number;
  readonly expiresAt: number;
  /** RFC 9449 §6.1 `cnf.jkt`: the DPoP key the token is bound to; null for a bearer token. */
  readonly dpopJkt: string | null;
}

/** The claims every access token carries (RFC 9068 §2.2), and `cnf` for a DPoP-bound one (RFC 9449 §6.1). */
function commonClaims(input: Omit<ClientAccessTokenInput, 'audience'>, subject: string, audience: string): Record<string, unknown> {
  return {
    iss: input.issuer,
    sub: subject,
    aud: audience,
    client_id: input.clientId,
    scope: input.scope,
    exp: input.now + input.ttl,
    iat: input.now,
    jti: randomUUID(),
    ...(input.dpopJkt === undefined ? {} : { cnf: { jkt: input.dpopJkt } }),
  };
}

/**
 * Signs an RFC 9068 access token for a user's grant. `aud` is the API asked for with a resource indicator (RFC 8707),
 * or the issuer itself, whose only resource is userinfo.
 */
export function createAccessToken(input: AccessTokenInput, key: SigningKey): string {
  const claims = {
    ...commonClaims(input, input.userId, input.audience ?? input.issuer),
    auth_time: input.authTime,
    // Grant id: the token family, so a family revoked by reuse or code replay disables its access tokens too.
    gid: input.familyId,
  };
  return signJwt({ typ: ACCESS_TOKEN_TYPE }, claims, key);
}

/** Signs a client credentials access token: RFC 9068 §2.2 `sub` is the client itself; no user, so no grant or auth_time. */
export function createClientAccessToken(input: ClientAccessTokenInput, key: SigningKey): string {
  return signJwt({ typ: ACCESS_TOKEN_TYPE }, commonClaims(input, input.clientId, input.audience), key);
}

/**
 * What any Gatehouse access token says, whatever its audience and grant, as introspection and revocation read it.
 * A token issued to a user carries its family (`gid`); one issued to a client alone (client credentials) has none,
 * and its subject is the client.
 */
export interface InspectedAccessToken {
  readonly tokenId: string;
  readonly subject: string;
  readonly clientId: string;
  readonly scope: string;
  readonly audience: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly familyId: string | null;
  /** RFC 9449 §6.1 `cnf.jkt`; null for a bearer token. */
  readonly dpopJkt: string | null;
}

/** RFC 9068 §2.2: the claims every access token carries, whoever it was issued to. */
const COMMON_CLAIMS = ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope'];

/** Verifies access tokens as a resource server must (RFC 9068 §4): signature, `typ`, `iss`, `aud`, `exp`. */
export class AccessTokenVerifier {
  private readonly keySet: PublishedVerificationKeys;

  constructor(
    published: PublishedKeys,
    private readonly issuer: string,
    private readonly clockTolerance: number,
  ) {
    this.keySet = new PublishedVerificationKeys(published);
  }

  /** @throws InvalidToken for a malformed, expired, wrongly typed, wrongly signed or foreign token. */
  verify(token: string): VerifiedAccessToken {
    // RFC 8707 / RFC 9068 §4: a token for an API (aud = its identifier) is not accepted by Gatehouse's own endpoints.
    return readClaims(this.verifiedPayload(token, { audience: this.issuer, requiredClaims: [...COMMON_CLAIMS, 'gid', 'auth_time'] }));
  }

  /**
   * Verifies signature, `typ`, `iss` and `exp` of an access token for any audience (introspection, revocation).
   * @throws InvalidToken for a malformed, expired, wrongly typed, wrongly signed or foreign token.
   */
  inspect(token: string): InspectedAccessToken {
    return readInspectedClaims(this.verifiedPayload(token, { requiredClaims: COMMON_CLAIMS }));
  }

  private verifiedPayload(token: string, options: { readonly audience?: string; readonly requiredClaims: readonly string[] }): JwtClaims {
    const keys = this.keySet.keys();
    try {
      return verifyJwt(token, keys, {
        issuer: this.issuer,
        ...options,
        // RFC 9068 §4: reject a JWT of another type (an ID token) presented as an access token.
        typ: ACCESS_TOKEN_TYPE,
        algorithms: keys.algorithms,
        clockTolerance: this.clockTolerance,
      });
    } catch (error) {
      throw new InvalidToken({ cause: error });
    }
  }
}

/** A user's token: what any access token says, plus its grant (`gid`) and `auth_time`. */
function readClaims(payload: JwtClaims): VerifiedAccessToken {
  const { tokenId, subject, clientId, scope, familyId, expiresAt, dpopJkt } = readInspectedClaims(payload);
  const { auth_time: authTime } = payload;
  if (familyId === null || typeof authTime !== 'number') throw new InvalidToken({ cause: new Error('access token claims have unexpected types') });
  return { tokenId, userId: subject, clientId, scope, familyId, authTime, expiresAt, dpopJkt };
}

function readInspectedClaims(payload: JwtClaims): InspectedAccessToken {
  const { jti, sub, client_id: clientId, scope, aud, iat, exp, gid } = payload;
  const audience = typeof aud === 'string' ? [aud] : aud;
  if (
    typeof jti !== 'string' ||
    typeof sub !== 'string' ||
    typeof clientId !== 'string' ||
    typeof scope !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    !Array.isArray(audience) ||
    (gid !== undefined && typeof gid !== 'string')
  ) {
    throw new InvalidToken({ cause: new Error('access token claims have unexpected types') });
  }
  return { tokenId: jti, subject: sub, clientId, scope, audience, issuedAt: iat, expiresAt: exp, familyId: gid ?? null, dpopJkt: readConfirmation(payload.cnf) };
}

/** RFC 9449 §6.1: `cnf.jkt` of a DPoP-bound token, null without `cnf`; a `cnf` of another shape is refused. */
function readConfirmation(cnf: unknown): string | null {
  if (cnf === undefined) return null;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== 'string') throw new InvalidToken({ cause: new Error('access token cnf has no jkt') });
  return jkt;
}
