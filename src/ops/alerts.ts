// Threshold and security alerts beside the burn-rate ones: latency, 5xx, PKCE and redirect URI spikes, replays.
import { SECURITY_EVENT_TYPES, type EventType } from '../observability/events.js';
import { OPS_METRICS, type OpsMetric } from './metrics-used.js';
import { anyOf, histogramQuantile, series, sumIncrease, sumRate } from './promql.js';

export type Severity = 'critical' | 'warning';

export interface AlertDefinition {
  /** The alert name; its runbook section in docs/runbook.md has the same heading. */
  readonly name: string;
  readonly severity: Severity;
  /** How long the condition must hold before the alert fires. */
  readonly for: string;
  readonly expr: (selector: string) => string;
  readonly summary: string;
  /** May use `{{ $labels.<name> }}` for the labels its expression keeps. */
  readonly description: string;
}

/** Token replays have their own counter (gatehouse_token_reuse_detections_total) and alert. */
const REUSE_EVENT_TYPES: readonly EventType[] = ['code.replayed', 'refresh_token.reused'];
/** Throttling is a defence working, and people mistype: only a surge of it means an attack. */
const THROTTLE_EVENT_TYPES: readonly EventType[] = ['login.throttled', 'user_code.throttled'];
/** Every other security event (a replayed assertion, request_uri or DPoP proof ...): each one deserves a look. */
const REPLAY_EVENT_TYPES = [...SECURITY_EVENT_TYPES].filter((type) => !REUSE_EVENT_TYPES.includes(type) && !THROTTLE_EVENT_TYPES.includes(type));

/** The spike window, and the baseline: the average per spike window over the day before it. */
const SPIKE_WINDOW = '10m';
const BASELINE_WINDOWS_PER_DAY = 144;

/**
 * More than `factor` times the last day's average in the last 10 minutes, and never fewer than `floor`: the floor keeps
 * a quiet instance (a baseline of zero, or no series yet) from alerting on one mistake, and without any failures the
 * left side is empty, so nothing fires.
 */
function spike(metric: OpsMetric, selector: string, floor: number, factor = 3, matchers = ''): string {
  const selected = series(metric, selector, matchers);
  const baseline = `sum(increase(${selected}[1d] offset ${SPIKE_WINDOW})) / ${BASELINE_WINDOWS_PER_DAY}`;
  return `${sumIncrease(selected, SPIKE_WINDOW)} > clamp_min(${factor} * ((${baseline}) or vector(0)), ${floor})`;
}

/**
 * Any increase in 10 minutes, per `by` label. A counter series born with its first event shows no increase (one sample),
 * so a series that did not exist 10 minutes ago and is above zero counts too.
 */
function anyIncrease(metric: OpsMetric, selector: string, by: string, matchers = ''): string {
  const selected = series(metric, selector, matchers);
  return `${sumIncrease(selected, SPIKE_WINDOW, [by])} > 0 or sum by (${by}) (${selected} unless ${selected} offset ${SPIKE_WINDOW}) > 0`;
}

const tokenLatency = (selector: string): string => {
  const p95 = histogramQuantile(0.95, series(OPS_METRICS.tokenRequestDurationBuckets, selector), '5m');
  // Below 20 requests in 5 minutes one slow request is the p95: too few to speak for the service.
  return `${p95} > 0.5 and ${sumIncrease(series(OPS_METRICS.tokenRequestDurationCount, selector), '5m')} >= 20`;
};

const authorizeRoutes = `route=~"${anyOf(['/authorize', '/authorize/resume'])}"`;

export const THRESHOLD_ALERTS: readonly AlertDefinition[] = [
  {
    name: 'GatehouseTokenLatencyHigh',
    severity: 'warning',
    for: '10m',
    expr: tokenLatency,
    summary: 'Token endpoint p95 latency above 500 ms',
    description: 'The 95th percentile of /token answers has been slower than 500 ms for 10 minutes (objective: p95 < 500 ms).',
  },
  {
    name: 'GatehouseAuthorizationServerErrors',
    severity: 'warning',
    for: '10m',
    expr: (selector) =>
      `${sumRate(series(OPS_METRICS.httpRequests, selector, `${authorizeRoutes},status_class="5xx"`), '5m')} / ${sumRate(series(OPS_METRICS.httpRequests, selector, authorizeRoutes), '5m')} > 0.001`,
    summary: 'Authorization endpoint 5xx ratio above 0.1 %',
    description: 'More than 0.1 % of /authorize answers have been 5xx for 10 minutes: people cannot sign in to applications.',
  },
  {
    name: 'GatehousePkceFailureSpike',
    severity: 'warning',
    for: '5m',
    expr: (selector) => spike(OPS_METRICS.pkceFailures, selector, 10),
    summary: 'PKCE failures spiking',
    description: 'At least 10 PKCE failures in 10 minutes and 3 times the last day\'s rate: a client release broke PKCE, or someone is trying stolen codes.',
  },
  {
    name: 'GatehouseRedirectUriRejectionSpike',
    severity: 'warning',
    for: '5m',
    expr: (selector) => spike(OPS_METRICS.redirectUriRejections, selector, 10),
    summary: 'Redirect URI rejections spiking',
    description: 'At least 10 unregistered redirect URIs refused in 10 minutes and 3 times the last day\'s rate: a misconfigured client, or phishing attempts.',
  },
  {
    name: 'GatehouseTokenReuseDetected',
    severity: 'warning',
    for: '0m',
    expr: (selector) => anyIncrease(OPS_METRICS.tokenReuseDetections, selector, 'kind'),
    summary: 'A spent {{ $labels.kind }} was presented again',
    description: 'Gatehouse detected {{ $labels.kind }} reuse and revoked the tokens issued from it: a token may have been stolen, or a client retries wrongly.',
  },
  {
    name: 'GatehouseReplayDetected',
    severity: 'warning',
    for: '0m',
    expr: (selector) => anyIncrease(OPS_METRICS.securityEvents, selector, 'type', `type=~"${anyOf(REPLAY_EVENT_TYPES)}"`),
    summary: 'Security event {{ $labels.type }}',
    description: 'Gatehouse refused a replayed credential ({{ $labels.type }}): someone may hold a copy of it.',
  },
  {
    name: 'GatehouseThrottlingSpike',
    severity: 'warning',
    for: '5m',
    expr: (selector) => spike(OPS_METRICS.securityEvents, selector, 20, 3, `type=~"${anyOf(THROTTLE_EVENT_TYPES)}"`),
    summary: 'Login or user code throttling spiking',
    description: 'At least 20 throttled logins or user code entries in 10 minutes and 3 times the last day\'s rate: password guessing or user code brute force.',
  },
];
