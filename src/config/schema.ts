// The one configuration schema: every key, its default, its expected form and its description (the groups of
// settings in sections/).
import { z } from 'zod';
import { SCOPE_TOKEN } from '../protocol/scope.js';
import { auditSettings, dashboardSettings, metricsSettings, securityWebhookSettings, tracingSettings } from './sections/observability.js';
import { anomaliesSettings, limitsSettings, loadSheddingSettings, rateLimitsSettings } from './sections/protection.js';
import { backChannelLogoutSettings, clientAssertionsSettings, deviceAuthorizationSettings, dpopSettings, parSettings } from './sections/protocols.js';
import { keysSettings, sessionsSettings, tokensSettings } from './sections/tokens.js';
import { seconds, setting } from './setting.js';
import { MAX_PROXY_HOPS, trustProxySchema } from './trust-proxy.js';

/** The most `gatehouse serve` workers one machine runs: beyond that, more machines rather than more processes. */
export const MAX_WORKERS = 64;

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
    tokens: tokensSettings,
    keys: keysSettings,
    sessions: sessionsSettings,
    limits: limitsSettings,
    loadShedding: loadSheddingSettings,
    rateLimits: rateLimitsSettings,
    deviceAuthorization: deviceAuthorizationSettings,
    audit: auditSettings,
    clientAssertions: clientAssertionsSettings,
    backChannelLogout: backChannelLogoutSettings,
    par: parSettings,
    dpop: dpopSettings,
    anomalies: anomaliesSettings,
    securityWebhook: securityWebhookSettings,
    tracing: tracingSettings,
    metrics: metricsSettings,
    dashboard: dashboardSettings,
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
