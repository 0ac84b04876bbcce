// What protects the server and its users: request limits, load shedding, login throttling and anomaly alerts.
import { z } from 'zod';
import { seconds, setting } from '../setting.js';

export const limitsSettings = z
  .strictObject({
    bodyBytes: setting(z.number().int().min(1024).max(1_048_576).default(65_536), {
      expected: 'bytes 1024-1048576',
      description: 'Largest request body accepted; larger gets 413.',
    }),
    parameterBytes: setting(z.number().int().min(256).max(65_536).default(4096), {
      expected: 'bytes 256-65536',
      description: 'Largest single request parameter accepted; larger gets invalid_request.',
    }),
    interactionBytes: setting(z.number().int().min(1024).max(262_144).default(8192), {
      expected: 'bytes 1024-262144',
      description:
        'Largest authorization request accepted, measured as kept while the person logs in, or while a pushed request (RFC 9126) waits to be used (its parameters as JSON); larger gets invalid_request. The default fits a 4 KiB state.',
    }),
    clientCacheTtl: setting(z.number().int().min(0).max(60_000).default(500), {
      expected: 'milliseconds 0-60000',
      description:
        'How long a client record, the APIs it may request tokens for, and the set of origins allowed to call the endpoints cross-origin (CORS), are cached in memory; a client or API changed by the CLI or another instance is seen after at most this long.',
    }),
    concurrentPasswordHashes: setting(z.number().int().min(1).max(256).default(4), {
      expected: 'a count 1-256',
      description: 'Password hashes a process runs at once during logins (argon2 runs on the libuv thread pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise).',
    }),
    passwordHashQueueTimeout: setting(z.number().int().min(0).max(60_000).default(2000), {
      expected: 'milliseconds 0-60000',
      description: 'How long a login waits for a free password-hashing slot before it is answered 503 with Retry-After.',
    }),
  })
  .prefault({});

export const loadSheddingSettings = z
  .strictObject({
    enabled: setting(z.boolean().default(true), {
      expected: 'true or false',
      description:
        'Shed load under overload: past either bound below, a new request is answered 503 with Retry-After at once (temporarily_unavailable where the endpoint has a JSON error format, a page for people), so the requests already admitted keep a bounded latency. /healthz, /readyz and /metrics are always answered.',
    }),
    maxInFlight: setting(z.number().int().min(1).max(100_000).default(128), {
      expected: 'a count 1-100000',
      description: 'Requests one process works on at once; the next one is shed. Admitted requests wait about this many times the time one takes, so keep it a small multiple of what a core finishes in your latency budget.',
    }),
    maxEventLoopDelay: setting(z.number().int().min(10).max(60_000).default(70), {
      expected: 'milliseconds 10-60000',
      description:
        'Requests are shed while the event loop of the process runs this late: in its current turn (the requests read at once), or on average over the last half second (work that is not requests, a starved process). One short stall (a garbage collection) does not shed. Everything waits for a late loop, new connections too: Node accepts one connection per turn.',
    }),
    retryAfter: setting(seconds(1, 3600).default(1), {
      expected: 'seconds 1-3600',
      description: 'The Retry-After of a shed request.',
    }),
  })
  .prefault({});

export const rateLimitsSettings = z
  .strictObject({
    loginFailuresPerAccount: setting(z.number().int().min(1).max(1000).default(5), {
      expected: 'a count 1-1000',
      description: 'Failed logins for one account within the window before it is throttled for unknown devices (browsers without a device cookie for it).',
    }),
    loginFailuresPerDevice: setting(z.number().int().min(1).max(1000).default(5), {
      expected: 'a count 1-1000',
      description: 'Failed logins from one known device (a browser that signed in as the account before) within the window before it counts as unknown again.',
    }),
    loginFailuresPerIp: setting(z.number().int().min(1).max(10_000).default(20), {
      expected: 'a count 1-10000',
      description: 'Failed logins from one IP within the window before it is throttled.',
    }),
    loginWindow: setting(seconds(10, 86400).default(900), {
      expected: 'seconds 10-86400',
      description: 'Window over which failed logins are counted.',
    }),
    deviceCookieTtl: setting(seconds(3600, 63_072_000).default(15_552_000), {
      expected: 'seconds 3600-63072000',
      description: 'How long a browser stays a known device after its last successful login: the lifetime of its signed device cookie.',
    }),
  })
  .prefault({});

export const anomaliesSettings = z
  .strictObject({
    enabled: setting(z.boolean().default(true), {
      expected: 'true or false',
      description:
        'Raise refresh_token.context_changed when a refresh token family is refreshed from another network or User-Agent than it was last used from (a signal: nothing is refused). Contexts are recorded either way, so turning this on compares with where each family is used now.',
    }),
    ipv4Prefix: setting(z.number().int().min(8).max(32).default(24), {
      expected: 'a prefix length 8-32',
      description: 'An IPv4 client stays in its network while its address keeps this many leading bits (24: the same /24).',
    }),
    ipv6Prefix: setting(z.number().int().min(16).max(128).default(48), {
      expected: 'a prefix length 16-128',
      description: 'An IPv6 client stays in its network while its address keeps this many leading bits (48: the same site).',
    }),
  })
  .prefault({});
