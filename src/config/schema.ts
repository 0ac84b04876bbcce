// The one configuration schema: every key, its default, its expected form and its description.
import { z } from 'zod';
import { SCOPE_TOKEN } from '../protocol/scope.js';
import { SIGNING_ALGORITHMS } from '../store/records.js';
import { MAX_PROXY_HOPS, trustProxySchema } from './trust-proxy.js';

/** Metadata each leaf carries: `expected` feeds error messages, `description` the README reference. */
export interface SettingMeta {
  readonly expected: string;
  readonly description: string;
  /** A secret value is never echoed in an error message. */
  readonly secret?: boolean;
}

function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  return schema.meta({ ...meta });
}

/** The most `gatehouse serve` workers one machine runs: beyond that, more machines rather than more processes. */
export const MAX_WORKERS = 64;

const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
/** The lifetime an access token may have, in seconds: `tokens.accessTokenTtl`, and an API's own (`apis create --access-token-ttl`). */
export const ACCESS_TOKEN_TTL_BOUNDS = { min: 60, max: 3600 } as const;

const DEFAULT_SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in and know who you are',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected when you are not using the app',
};

export const configSchema = z
  .object({
    issuer: setting(z.url({ protocol: /^https?$/ }).optional(), {
      expected: 'an absolute http(s) URL without query or fragment',
      description: 'The issuer identifier, byte for byte as clients see it. Required outside dev mode; in dev mode it defaults to http://localhost:<port>, with the port actually listened on.',
    }),
    host: setting(z.string().min(1).default('127.0.0.1'), {
      expected: 'a host name or IP address to listen on',
      description: 'Address the HTTP server binds to. Use 0.0.0.0 behind a load balancer or in a container.',
    }),
    port: setting(z.number().int().min(0).max(65535).default(4000), {
      expected: 'a TCP port 0-65535',
      description: 'TCP port the HTTP server listens on (0 picks a free one).',
    }),
    workers: setting(z.union([z.literal('auto'), z.number().int().min(1).max(MAX_WORKERS)]).default(1), {
      expected: `a count 1-${MAX_WORKERS}, or auto (one per CPU the process may use)`,
      description:
        '`gatehouse serve` processes sharing the port on this machine (node:cluster): the primary migrates the database, then forks them and replaces one that dies. 1 serves from the one process. Also set by `serve --workers`.',
    }),
    dataDir: setting(z.string().min(1).default('./.gatehouse'), {
      expected: 'a folder path',
      description: 'Folder for the embedded SQLite database and, in dev mode, the generated key-encryption secret.',
    }),
    databaseUrl: setting(z.string().regex(/^(postgres(ql)?:\/\/|sqlite:)/).optional(), {
      expected: 'postgres://user@host:port/db or sqlite:<path>',
      description: 'Database to use. Unset: embedded SQLite at <dataDir>/gatehouse.db.',
    }),
    sqliteSynchronous: setting(z.enum(['normal', 'full']).default('normal'), {
      expected: 'normal or full',
      description:
        'When the embedded SQLite database (WAL mode) counts a commit as done. normal: once it is in the operating system, so a crash of Gatehouse loses nothing it answered, but a power loss or OS crash can lose the last transactions committed before it (the file is never corrupted). full: once it is flushed to disk (an fsync per commit), so a power loss loses nothing answered either. Ignored on PostgreSQL, where synchronous_commit decides.',
    }),
    dev: setting(z.boolean().default(false), {
      expected: 'true or false',
      description: 'Dev mode: loopback http issuer, generated key-encryption secret, demo user and client. Also set by `serve --dev`.',
    }),
    seedDemo: setting(z.boolean().optional(), {
      expected: 'true or false',
      description: 'Create a demo user and client on an empty database. Defaults to the value of `dev`; refused in production.',
    }),
    trustProxy: setting(trustProxySchema.default(false), {
      expected: `false, a count of proxies 1-${MAX_PROXY_HOPS}, or a JSON array of proxy IP addresses and CIDR ranges (comma-separated in the environment)`,
      description:
        'Which proxies may set X-Forwarded-For and X-Request-Id. false: none, the peer is the client. A count: that many proxies in front of Gatehouse, nearest first (only when nothing else can reach Gatehouse). A list: proxies at these addresses. The client IP is the first untrusted address from the right.',
    }),
    logLevel: setting(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), {
      expected: 'one of fatal, error, warn, info, debug, trace, silent',
      description: 'Minimum level of the JSON log lines written to stdout.',
    }),
    tokens: z
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
      .prefault({}),
    keys: z
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
      .prefault({}),
    sessions: z
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
      .prefault({}),
    limits: z
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
      .prefault({}),
    loadShedding: z
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
      .prefault({}),
    rateLimits: z
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
      .prefault({}),
    deviceAuthorization: z
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
      .prefault({}),
    audit: z
      .strictObject({
        retention: setting(
          z.union([z.literal(0), seconds(86_400, 315_360_000)]).default(0),
          {
            expected: 'seconds: 0 (keep forever) or 86400-315360000',
            description: 'Audit events older than this are deleted; the chain stays verifiable from the last one deleted. 0 keeps every event.',
          },
        ),
      })
      .prefault({}),
    clientAssertions: z
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
      .prefault({}),
    backChannelLogout: z
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
      .prefault({}),
    par: z
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
      .prefault({}),
    dpop: z
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
      .prefault({}),
    anomalies: z
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
      .prefault({}),
    securityWebhook: z
      .strictObject({
        url: setting(z.url({ protocol: /^https?$/ }).optional(), {
          expected: 'an absolute https URL (http only to a loopback host while the issuer is http)',
          secret: true,
          description:
            'Where every security event is POSTed as signed JSON (README "Security events"); unset sends nothing. Redirects are not followed. Treated as a secret, since such URLs often carry one.',
        }),
        secret: setting(z.string().min(32).optional(), {
          expected: 'a secret of at least 32 characters',
          secret: true,
          description: 'HMAC-SHA256 key of the Gatehouse-Signature header. Required when securityWebhook.url is set; never logged.',
        }),
        timeout: setting(z.number().int().min(100).max(10_000).default(3000), {
          expected: 'milliseconds 100-10000',
          description: 'How long one delivery attempt may take; also how long shutdown waits for undelivered events.',
        }),
        maxAttempts: setting(z.number().int().min(1).max(20).default(5), {
          expected: 'a count 1-20',
          description: 'Delivery attempts per event before it is given up on (logged).',
        }),
        retryDelay: setting(z.number().int().min(10).max(60_000).default(1000), {
          expected: 'milliseconds 10-60000',
          description: 'Wait before the first retry; each further retry waits twice as long, each wait taken at random between half and all of that (jitter).',
        }),
        queueLimit: setting(z.number().int().min(1).max(100_000).default(1000), {
          expected: 'a count 1-100000',
          description: 'Events waiting in memory for delivery at most; when full, the oldest is dropped (logged with how many).',
          }),
        })
        .prefault({}),
    tracing: z
      .strictObject({
        otlpEndpoint: setting(z.url({ protocol: /^https?$/ }).optional(), {
          expected: 'an absolute http(s) URL, e.g. http://collector:4318/v1/traces',
          description: 'OpenTelemetry traces are sent to this OTLP/HTTP traces URL (the full path, /v1/traces included). Unset: no tracing at all.',
        }),
        serviceName: setting(z.string().min(1).max(100).default('gatehouse'), {
          expected: 'a name of 1-100 characters',
          description: 'The `service.name` resource attribute of every span, as the tracing backend lists the service.',
        }),
        sampleRatio: setting(z.number().min(0).max(1).default(1), {
          expected: 'a number 0-1',
          description: 'Share of requests traced, chosen by trace id; a traced request keeps all its storage spans. 1 traces every request, 0 none.',
        }),
        exportTimeout: setting(z.number().int().min(100).max(60_000).default(5000), {
          expected: 'milliseconds 100-60000',
          description: 'How long one export of spans may take; a collector that does not answer in time loses that batch, never a request. Also bounds the last export at shutdown.',
          }),
        })
        .prefault({}),
    metrics: z
      .strictObject({
        enabled: setting(z.boolean().default(true), {
          expected: 'true or false',
          description: 'Serve Prometheus metrics at /metrics (see metrics.bearerToken and metrics.listen for who may read them).',
        }),
        // RFC 6750 §2.1: a bearer token is b64token characters, so a scraper can send it in the Authorization header.
        bearerToken: setting(z.string().min(32).regex(/^[A-Za-z0-9\-._~+/]+=*$/).optional(), {
          expected: 'a secret of at least 32 characters: letters, digits and - . _ ~ + / (then = padding)',
          secret: true,
          description:
            'The token a scraper sends as `Authorization: Bearer <token>` to read /metrics. Unset: /metrics on the main port answers 401 to everyone (in dev mode it is open).',
        }),
        listen: setting(z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/).refine((listen) => Number(listen.slice(listen.lastIndexOf(':') + 1)) <= 65_535).optional(), {
          expected: 'host:port with a port 0-65535, e.g. 127.0.0.1:9464',
          description:
            'A separate listener serving only /metrics, meant for a private network that only the scraper can reach: it answers without a token unless metrics.bearerToken is set. Outside dev mode an address beyond loopback is refused without metrics.bearerToken unless metrics.listenWithoutToken is true.',
        }),
        listenWithoutToken: setting(z.boolean().default(false), {
          expected: 'true or false',
          description:
            'Let metrics.listen bind beyond loopback without metrics.bearerToken: only for a private network that nobody but the scraper can reach (anyone who can reach it reads the metrics).',
        }),
        clientLabelLimit: setting(z.number().int().min(0).max(1000).default(50), {
          expected: 'a count 0-1000',
          description:
            'Clients that get their own client_id label in metrics: the most active this many registered clients (authorization codes plus refresh tokens issued in the last 7 days, at most the 20,000 newest of each, ranked from the database at start and every 10 minutes, so every instance labels the same clients; a labelled client keeps its label until it falls below 1.5 times this rank). Any other client is counted as `other`, a request naming no registered client as `unknown`.',
        }),
      })
      .prefault({}),
    dashboard: z
      .strictObject({
        failedTokenRequests: setting(z.number().int().min(1).max(10_000).default(100), {
          expected: 'a count 1-10000',
          description:
            'Refused token requests the ops dashboard\'s debug view keeps in memory, in each of two lists: those naming a registered client, and the others (which anyone can send).',
        }),
        flows: setting(z.number().int().min(1).max(10_000).default(200), {
          expected: 'a count 1-10000',
          description: 'Flows (authorization to token exchange) whose events the debug view keeps in memory; the oldest is forgotten first.',
        }),
        eventsPerFlow: setting(z.number().int().min(1).max(1000).default(50), {
          expected: 'a count 1-1000',
          description: 'Events kept per flow for its timeline; the oldest is forgotten first.',
        }),
        perSource: setting(z.number().int().min(1).max(10_000).default(20), {
          expected: 'a count 1-10000',
          description:
            'Entries one source may hold in each debug list (a client among refusals naming one; an IP among the other refusals and the flows), so one source flooding a list pushes out only its own entries.',
        }),
      })
      .prefault({}),
    clientSecretGracePeriod: setting(seconds(0, 2_592_000).default(86_400), {
      expected: 'seconds 0-2592000',
      description: 'After `clients rotate-secret`, the previous secret keeps working this long.',
    }),
    scopes: setting(
      z
        .record(z.string().regex(SCOPE_TOKEN), z.string().min(1).max(200))
        .default(DEFAULT_SCOPE_DESCRIPTIONS),
      {
        expected: 'a JSON object of scope name to plain-words description',
        description: 'Descriptions of scopes shown on the consent page; a scope without one is shown by name.',
      },
    ),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** The validated, frozen configuration with derived values filled in. */
export type Config = Readonly<
  Omit<ParsedConfig, 'issuer' | 'seedDemo'> & {
    issuer: string;
    /** No issuer was configured and dev mode derives it from the port, so it changes once port 0 becomes a real one. */
    issuerFollowsPort: boolean;
    seedDemo: boolean;
  }
>;
