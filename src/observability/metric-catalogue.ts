// The metric catalogue (README, Metrics): every Gatehouse metric, its type, labels and buckets, on one registry.
import { Counter, Histogram, type Registry } from 'prom-client';

/** Request latencies: HTTP requests and token requests share them, so the two can be compared. */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** A minute to a month: sessions last from a quick sign-in to the longest configurable lifetime. */
export const SESSION_DURATION_BUCKETS = [60, 300, 900, 3600, 14_400, 43_200, 86_400, 259_200, 604_800, 2_592_000];
/** argon2id with OWASP parameters takes tens of milliseconds; a busy thread pool makes it longer. */
const PASSWORD_HASH_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** ES256 and EdDSA sign in tens of microseconds, RS256 in about a millisecond. */
const SIGNING_BUCKETS = [0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01];
/** A key lookup takes microseconds on SQLite, a round trip on PostgreSQL; a slow query shows in the upper buckets. */
const QUERY_BUCKETS = [0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function defineCatalogue(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) =>
    new Histogram<L>({ name, help, labelNames, buckets, registers: [registry] });
  return {
    authorizationRequests: counter('gatehouse_authorization_requests_total', 'Authorization requests started: /authorize reached with a registered client (pushed requests included).', ['client_id']),
    authorizationCodesIssued: counter('gatehouse_authorization_codes_issued_total', 'Authorization codes issued.', ['client_id']),
    authorizationErrors: counter('gatehouse_authorization_errors_total', 'Authorization requests refused at /authorize, by error code and the check that refused them.', ['client_id', 'error', 'reason']),
    redirectUriRejections: counter('gatehouse_redirect_uri_rejections_total', 'Authorization requests (at /authorize and /par) whose redirect_uri is not registered for the client.', ['client_id']),
    pkceFailures: counter('gatehouse_pkce_failures_total', 'PKCE failures: a missing or invalid challenge (stage authorize) or a verifier that does not match (stage token).', ['stage']),
    tokenRequests: counter('gatehouse_token_requests_total', 'Token endpoint answers, by grant type, client and RFC 6749 error code (none on success).', ['grant_type', 'client_id', 'error']),
    tokenRequestDuration: histogram('gatehouse_token_request_duration_seconds', 'Token endpoint latency.', ['grant_type'], REQUEST_DURATION_BUCKETS),
    refreshFailures: counter('gatehouse_refresh_failures_total', 'Refresh token requests refused, by reason.', ['client_id', 'reason']),
    tokenReuseDetections: counter('gatehouse_token_reuse_detections_total', 'Spent authorization codes or rotated refresh tokens presented again.', ['kind']),
    securityEvents: counter('gatehouse_security_events_total', 'Security events (replays, reuse, throttling), by event type.', ['type']),
    httpRequests: counter('gatehouse_http_requests_total', 'HTTP requests answered, by route template, method and status class.', ['route', 'method', 'status_class']),
    requestsShed: counter('gatehouse_requests_shed_total', 'Requests answered 503 by load shedding before any work was done for them, by route template.', ['route']),
    httpRequestDuration: histogram('gatehouse_http_request_duration_seconds', 'HTTP request latency by route template.', ['route'], REQUEST_DURATION_BUCKETS),
    loginAttempts: counter('gatehouse_login_attempts_total', 'Login attempts by outcome: success, bad_credentials, throttled.', ['client_id', 'outcome']),
    consentDecisions: counter('gatehouse_consent_decisions_total', 'Consent decisions: allow or deny.', ['client_id', 'decision']),
    sessionDuration: histogram('gatehouse_session_duration_seconds', 'How long login sessions lasted, by how they ended: logout, expiry, revoked.', ['ended_by'], SESSION_DURATION_BUCKETS),
    passwordHashDuration: histogram('gatehouse_password_hash_duration_seconds', 'Time to hash or verify a password (argon2id).', [], PASSWORD_HASH_BUCKETS),
    tokenSigningDuration: histogram('gatehouse_token_signing_duration_seconds', 'Time to sign a JWT, by algorithm.', ['alg'], SIGNING_BUCKETS),
    securityWebhookDeliveries: counter('gatehouse_security_webhook_deliveries_total', 'Security events sent to the webhook, by outcome: delivered, failed (given up after every attempt), dropped (queue full).', ['outcome']),
    dbQueryDuration: histogram('gatehouse_db_query_duration_seconds', 'Store operation latency, by <repository>.<method>.', ['operation'], QUERY_BUCKETS),
  };
}

export type MetricCatalogue = ReturnType<typeof defineCatalogue>;
