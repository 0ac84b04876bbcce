// The catalogue metrics the generated alerts and dashboard read: test/cli/ops-metrics-served.test.ts checks a running server serves each one, with every label value they select on.

/** Every series name an expression of `gatehouse ops` may mention; the expressions name them only through this. */
export const OPS_METRICS = {
  authorizationRequests: 'gatehouse_authorization_requests_total',
  authorizationCodesIssued: 'gatehouse_authorization_codes_issued_total',
  authorizationErrors: 'gatehouse_authorization_errors_total',
  redirectUriRejections: 'gatehouse_redirect_uri_rejections_total',
  pkceFailures: 'gatehouse_pkce_failures_total',
  tokenRequests: 'gatehouse_token_requests_total',
  tokenRequestDurationBuckets: 'gatehouse_token_request_duration_seconds_bucket',
  tokenRequestDurationCount: 'gatehouse_token_request_duration_seconds_count',
  refreshFailures: 'gatehouse_refresh_failures_total',
  tokenReuseDetections: 'gatehouse_token_reuse_detections_total',
  securityEvents: 'gatehouse_security_events_total',
  httpRequests: 'gatehouse_http_requests_total',
  loginAttempts: 'gatehouse_login_attempts_total',
  consentDecisions: 'gatehouse_consent_decisions_total',
  dbQueryDurationBuckets: 'gatehouse_db_query_duration_seconds_bucket',
} as const;

export type OpsMetric = (typeof OPS_METRICS)[keyof typeof OPS_METRICS];

/** The names as /metrics exposes them (a histogram's `_bucket` and `_count` series included). */
export const OPS_METRIC_NAMES: readonly OpsMetric[] = Object.values(OPS_METRICS);
