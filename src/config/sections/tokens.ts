// Token lifetimes, signing keys and login sessions.
import { z } from 'zod';
import { SIGNING_ALGORITHMS } from '../../store/records.js';
import { seconds, setting } from '../setting.js';

/** The lifetime an access token may have, in seconds: `tokens.accessTokenTtl`, and an API's own (`apis create --access-token-ttl`). */
export const ACCESS_TOKEN_TTL_BOUNDS = { min: 60, max: 3600 } as const;

export const tokensSettings = z
  .strictObject({
    accessTokenTtl: setting(seconds(ACCESS_TOKEN_TTL_BOUNDS.min, ACCESS_TOKEN_TTL_BOUNDS.max).default(600), {
      expected: 'seconds 60-3600',
      description: 'Lifetime of JWT access tokens.',
    }),
    idTokenTtl: setting(seconds(60, 86400).default(600), {
      expected: 'seconds 60-86400',
      description: 'Lifetime of ID tokens.',
    }),
    authorizationCodeTtl: setting(seconds(10, 600).default(60), {
      expected: 'seconds 10-600',
      description: 'Lifetime of authorization codes (RFC 9700: short; at most 10 minutes).',
    }),
    refreshTokenIdleTtl: setting(seconds(300, 31_536_000).default(1_209_600), {
      expected: 'seconds 300-31536000',
      description: 'A refresh token unused for this long expires.',
    }),
    refreshTokenAbsoluteTtl: setting(seconds(300, 63_072_000).default(7_776_000), {
      expected: 'seconds 300-63072000',
      description: 'A refresh token family expires this long after the code exchange, however often it is used.',
    }),
    refreshRetryWindow: setting(seconds(0, 60).default(5), {
      expected: 'seconds 0-60',
      description: 'Window after a rotation in which the same client retrying the same refresh, from the same IP and User-Agent, gets the same response; 0 turns it off.',
    }),
    clockTolerance: setting(seconds(0, 300).default(30), {
      expected: 'seconds 0-300',
      description: 'Clock skew tolerated when validating JWTs.',
    }),
  })
  .prefault({});

export const keysSettings = z
  .strictObject({
    algorithms: setting(z.array(z.enum(SIGNING_ALGORITHMS)).default(['RS256', 'ES256']), {
      expected: `a JSON array of distinct algorithms from ${SIGNING_ALGORITHMS.join(', ')}, including RS256`,
      description:
        'Algorithms to keep signing keys for: each has its own active and next key, rotated on the same schedule. ID tokens use the algorithm each client registered (default RS256, which OpenID Connect requires).',
    }),
    accessTokenAlgorithm: setting(z.enum(SIGNING_ALGORITHMS).default('ES256'), {
      expected: `one of ${SIGNING_ALGORITHMS.join(', ')}, listed in keys.algorithms`,
      description: 'Signing algorithm of JWT access tokens. ES256 signs over ten times faster than RS256.',
    }),
    rotationInterval: setting(seconds(0, 31_536_000).default(7_776_000), {
      expected: 'seconds 0-31536000',
      description: 'Rotate the active signing key of each algorithm after this long; 0 rotates only on `gatehouse keys rotate`.',
    }),
    encryptionSecret: setting(z.string().min(32).optional(), {
      expected: 'a secret of at least 32 characters',
      secret: true,
      description: 'Key-encryption secret for signing keys at rest (AES-256-GCM). Required in production; generated into dataDir in dev mode.',
    }),
    previousEncryptionSecrets: setting(z.array(z.string().min(32)).default([]), {
      expected: 'a JSON array of secrets of at least 32 characters',
      secret: true,
      description: 'Older key-encryption secrets still accepted for decryption while keys are re-encrypted.',
    }),
    jwksMaxAge: setting(seconds(0, 86400).default(300), {
      expected: 'seconds 0-86400',
      description: 'Cache-Control max-age of the JWKS response.',
    }),
    refreshInterval: setting(seconds(1, 3600).default(10), {
      expected: 'seconds 1-3600',
      description: 'How often each instance reloads signing keys from the database and checks whether rotation is due.',
    }),
  })
  .prefault({});

export const sessionsSettings = z
  .strictObject({
    idleTtl: setting(seconds(60, 2_592_000).default(1800), {
      expected: 'seconds 60-2592000',
      description: 'A login session unused for this long ends.',
    }),
    absoluteTtl: setting(seconds(60, 2_592_000).default(43_200), {
      expected: 'seconds 60-2592000',
      description: 'A login session ends this long after login, however active.',
    }),
    cookieName: setting(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('gatehouse_session'), {
      expected: 'letters, digits, _ or -, at most 64',
      description: 'Session cookie name; prefixed with __Host- when the issuer is https.',
    }),
  })
  .prefault({});
