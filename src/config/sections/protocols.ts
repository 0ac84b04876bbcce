// The optional protocols: device authorization, client assertions, back-channel logout, PAR and DPoP.
import { z } from 'zod';
import { seconds, setting } from '../setting.js';

export const deviceAuthorizationSettings = z
  .strictObject({
    codeLifetime: setting(seconds(60, 1800).default(600), {
      expected: 'seconds 60-1800',
      description: 'Device flow (RFC 8628): how long a device code and its user code stay valid (`expires_in`).',
    }),
    interval: setting(seconds(1, 60).default(5), {
      expected: 'seconds 1-60',
      description: 'Device flow: the least time a device waits between token requests (`interval`); polling faster answers slow_down and adds 5 s.',
    }),
    userCodeFailuresPerIp: setting(z.number().int().min(1).max(1000).default(10), {
      expected: 'a count 1-1000',
      description: 'Wrong user codes entered on the verification page from one IP within rateLimits.loginWindow before it is locked out (60 s, doubling to 15 minutes).',
    }),
  })
  .prefault({});

export const clientAssertionsSettings = z
  .strictObject({
    maxLifetime: setting(seconds(30, 3600).default(300), {
      expected: 'seconds 30-3600',
      description: 'private_key_jwt (RFC 7523): a client assertion whose exp is further ahead than this (plus tokens.clockTolerance) is refused.',
    }),
    jwksTimeout: setting(z.number().int().min(100).max(30_000).default(3000), {
      expected: 'milliseconds 100-30000',
      description: "How long fetching a client's jwks_uri may take, body included; a slower answer fails that client's authentication.",
    }),
    jwksMaxBytes: setting(z.number().int().min(1024).max(1_048_576).default(65_536), {
      expected: 'bytes 1024-1048576',
      description: "Largest JWK Set accepted from a client's jwks_uri; a larger answer fails that client's authentication.",
    }),
    jwksCacheTtl: setting(seconds(0, 86_400).default(300), {
      expected: 'seconds 0-86400',
      description: "How long a client's fetched JWK Set is used before it is fetched again; an unknown kid refetches it sooner, at most once a minute.",
    }),
  })
  .prefault({});

export const backChannelLogoutSettings = z
  .strictObject({
    timeout: setting(z.number().int().min(100).max(30_000).default(5000), {
      expected: 'milliseconds 100-30000',
      description: "How long a client's backchannel_logout_uri may take to answer one logout token before the attempt counts as failed.",
    }),
    pollInterval: setting(z.number().int().min(50).max(60_000).default(1000), {
      expected: 'milliseconds 50-60000',
      description: 'How often each instance looks for logout tokens due for delivery.',
    }),
    retryDelay: setting(seconds(1, 3600).default(5), {
      expected: 'seconds 1-3600',
      description: 'Wait before the first retry of a failed delivery; each further retry waits twice as long.',
    }),
    maxAttempts: setting(z.number().int().min(1).max(50).default(10), {
      expected: 'a count 1-50',
      description: 'Delivery attempts per logout token before it is given up on (recorded as logout.delivery_failed).',
    }),
    maxAge: setting(seconds(60, 604_800).default(86_400), {
      expected: 'seconds 60-604800',
      description: 'A logout token not delivered this long after the session ended is given up on.',
    }),
  })
  .prefault({});

export const parSettings = z
  .strictObject({
    required: setting(z.boolean().default(false), {
      expected: 'true or false',
      description:
        'RFC 9126 §5: every client must push its authorization requests to /par first; a plain /authorize request is refused. A client can also be required alone (`clients update --require-pushed-authorization-requests`).',
    }),
    requestLifetime: setting(seconds(10, 600).default(60), {
      expected: 'seconds 10-600',
      description: 'How long a request_uri from /par may be used at /authorize (once).',
    }),
  })
  .prefault({});

export const dpopSettings = z
  .strictObject({
    proofMaxAge: setting(seconds(5, 300).default(60), {
      expected: 'seconds 5-300',
      description: "DPoP (RFC 9449): a proof's iat may lie this far before or after the server's clock; its jti is remembered this long to refuse a replay.",
    }),
    requireNonce: setting(z.boolean().default(false), {
      expected: 'true or false',
      description: 'DPoP (RFC 9449 §8): proofs at the token and userinfo endpoints must carry a nonce from the DPoP-Nonce header; one without gets use_dpop_nonce.',
    }),
    nonceLifetime: setting(seconds(10, 3600).default(120), {
      expected: 'seconds 10-3600',
      description: 'How often a new DPoP nonce is issued; a nonce is accepted for up to twice this long. Nonces are derived from keys.encryptionSecret, so every instance accepts them.',
    }),
  })
  .prefault({});
