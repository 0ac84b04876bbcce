// RFC 9068 JWT access tokens: minted with the active key of keys.accessTokenAlgorithm, verified for Gatehouse's own endpoints.
import { randomUUID } from 'node:crypto';
import { jwtVerify, type JWTPayload } from 'jose';
import { InvalidToken } from '../errors/oauth-errors.js';
import { signJwt } from './jwt.js';
import type { SigningKey } from './keys/signing-key.js';
import { PublishedKeySet, type PublishedKeys } from './published-key-set.js';

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
  readonly now: number;
  readonly ttl: number;
}

/** What a verified access token says, in domain names. */
export interface VerifiedAccessToken {
  readonly userId: string;
  readonly clientId: string;
  readonly scope: string;
  readonly familyId: string;
  readonly authTime: number;
  readonly expiresAt: number;
}

/**
 * Signs an RFC 9068 access token. `aud` is the issuer itself: Gatehouse is the only resource server it issues for
 * (userinfo); resource indicators (RFC 8707) are out of scope, so no other audience can be asked for.
 */
export function createAccessToken(input: AccessTokenInput, key: SigningKey): string {
  const claims = {
    iss: input.issuer,
    sub: input.userId,
    aud: input.issuer,
    client_id: input.clientId,
    scope: input.scope,
    exp: input.now + input.ttl,
    iat: input.now,
    jti: randomUUID(),
    auth_time: input.authTime,
    // Grant id: the token family, so a family revoked by reuse or code replay disables its access tokens too.
    gid: input.familyId,
  };
  return signJwt({ typ: ACCESS_TOKEN_TYPE }, claims, key);
}

/** Verifies access tokens as a resource server must (RFC 9068 §4): signature, `typ`, `iss`, `aud`, `exp`. */
export class AccessTokenVerifier {
  private readonly keySet: PublishedKeySet;

  constructor(
    published: PublishedKeys,
    private readonly issuer: string,
    private readonly clockTolerance: number,
  ) {
    this.keySet = new PublishedKeySet(published);
  }

  /** @throws InvalidToken for a malformed, expired, wrongly typed, wrongly signed or foreign token. */
  async verify(token: string): Promise<VerifiedAccessToken> {
    const { keys, algorithms } = this.keySet.keys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        audience: this.issuer,
        // RFC 9068 §4: reject a JWT of another type (an ID token) presented as an access token.
        typ: ACCESS_TOKEN_TYPE,
        algorithms: [...algorithms],
        clockTolerance: this.clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope', 'gid', 'auth_time'],
      }));
    } catch (error) {
      throw new InvalidToken({ cause: error });
    }
    return readClaims(payload);
  }
}

function readClaims(payload: JWTPayload): VerifiedAccessToken {
  const { sub, client_id: clientId, scope, gid, auth_time: authTime, exp } = payload;
  if (
    typeof sub !== 'string' ||
    typeof clientId !== 'string' ||
    typeof scope !== 'string' ||
    typeof gid !== 'string' ||
    typeof authTime !== 'number' ||
    typeof exp !== 'number'
  ) {
    throw new InvalidToken({ cause: new Error('access token claims have unexpected types') });
  }
  return { userId: sub, clientId, scope, familyId: gid, authTime, expiresAt: exp };
}
