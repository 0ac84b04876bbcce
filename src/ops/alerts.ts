// Threshold and security alerts beside the burn-rate ones: latency, 5xx, PKCE and redirect URI spikes, replays.
import { OPS_METRICS, type OpsMetric } from './metrics-used.js';
import { anyOf, histogramQuantile, series, sumIncrease, sumRate } from './promql.js';
import { securityEventsOf } from './security-event-classes.js';
import { identityLabels } from './selector.js';

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

/** Reuse has its own counter and alert; a replay deserves a look each time; throttling and context changes only in a surge. */
const eventTypes = (eventClass: Parameters<typeof securityEventsOf>[0]): string => `type=~"${anyOf(securityEventsOf(eventClass))}"`;
/** Every aggregate keeps the selector's identity labels, so each deployment alerts on its own series. */
const by = (selector: string, ...labels: string[]): string[] => [...identityLabels(selector).names, ...labels];

/** The spike window, and the baseline: the average per spike window over the day before it. */
const SPIKE_WINDOW = '10m';
const BASELINE_WINDOWS_PER_DAY = 144;

/**
 * More than `factor` times the last day's average in the last 10 minutes, and never fewer than `floor`: the floor keeps
 * a quiet instance (a baseline of zero, or no series yet) from alerting on one mistake, and without any failures the
 * left side is empty, so nothing fires. A missing baseline counts as 0 (`0 * recent`, which keeps the labels).
 */
function spike(metric: OpsMetric, selector: string, floor: number, factor = 3, matchers = ''): string {
  const selected = series(metric, selector, matchers);
  const recent = sumIncrease(selected, SPIKE_WINDOW, by(selector));
  const baseline = sumIncrease(selected, '1d', by(selector), SPIKE_WINDOW);
  return `${recent} > clamp_min(${factor} * ((${baseline} / ${BASELINE_WINDOWS_PER_DAY}) or 0 * ${recent}), ${floor})`;
}

/**
 * Any increase in 10 minutes, per `label`. The metrics module creates these series at 0 when Gatehouse starts, so the
 * first event is an increase like any other, and a gap in scraping is no increase at all.
 */
function anyIncrease(metric: OpsMetric, selector: string, label: string, matchers = ''): string {
  return `${sumIncrease(series(metric, selector, matchers), SPIKE_WINDOW, by(selector, label))} > 0`;
}

const tokenLatency = (selector: string): string => {
  const p95 = histogramQuantile(0.95, series(OPS_METRICS.tokenRequestDurationBuckets, selector), '5m', by(selector));
  // Below 20 requests in 5 minutes one slow request is the p95: too few to speak for the service.
  return `${p95} > 0.5 and ${sumIncrease(series(OPS_METRICS.tokenRequestDurationCount, selector), '5m', by(selector))} >= 20`;
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
      `${sumRate(series(OPS_METRICS.httpRequests, selector, `${authorizeRoutes},status_class="5xx"`), '5m', by(selector))} / ${sumRate(series(OPS_METRICS.httpRequests, selector, authorizeRoutes), '5m', by(selector))} > 0.001`,
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
    description: 'Gatehouse detected {{ $labels.kind }} reuse and revoked the tokens issued from it (unless another client presented the code, which is refused and revokes nothing): a token may have been stolen, or a client retries wrongly.',
  },
  {
    name: 'GatehouseReplayDetected',
    severity: 'warning',
    for: '0m',
    expr: (selector) => anyIncrease(OPS_METRICS.securityEvents, selector, 'type', eventTypes('replay')),
    summary: 'Security event {{ $labels.type }}',
    description: 'Gatehouse refused a replayed credential ({{ $labels.type }}): someone may hold a copy of it.',
  },
  {
    name: 'GatehouseThrottlingSpike',
    severity: 'warning',
    for: '5m',
    expr: (selector) => spike(OPS_METRICS.securityEvents, selector, 20, 3, eventTypes('throttling')),
    summary: 'Login or user code throttling spiking',
    description: 'At least 20 throttled logins or user code entries in 10 minutes and 3 times the last day\'s rate: password guessing or user code brute force.',
  },
  {
    // One person changing networks is routine, so only a surge is worth a look; nothing was refused either way.
    name: 'GatehouseRefreshContextChangeSpike',
    severity: 'warning',
    for: '10m',
    expr: (selector) => spike(OPS_METRICS.securityEvents, selector, 50, 3, eventTypes('context_change')),
    summary: 'Refresh tokens used from new networks or browsers, more than usual',
    description: 'At least 50 refresh token families moved to another network or User-Agent in 10 minutes and 3 times the last day\'s rate. Nothing was refused: a network change moving many users at once, or refresh tokens stolen and used elsewhere.',
  },
];
