// What operators see: the audit trail, the security webhook, tracing, metrics and the dashboard.
import { z } from 'zod';
import { seconds, setting } from '../setting.js';

export const auditSettings = z
  .strictObject({
    retention: setting(
      z.union([z.literal(0), seconds(86_400, 315_360_000)]).default(0),
      {
        expected: 'seconds: 0 (keep forever) or 86400-315360000',
        description: 'Audit events older than this are deleted; the chain stays verifiable from the last one deleted. 0 keeps every event.',
      },
    ),
  })
  .prefault({});

export const securityWebhookSettings = z
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
    .prefault({});

export const tracingSettings = z
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
    .prefault({});

export const metricsSettings = z
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
  .prefault({});

export const dashboardSettings = z
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
  .prefault({});
