// Reads what the ops dashboard shows from the Prometheus registry (the metric catalogue in the README): counter sums,
// a few breakdowns by label, and the /token latency histogram's buckets, all cumulative since the process started.
import type { MetricValueWithName, Registry } from 'prom-client';

type Labels = Partial<Record<string, string | number>>;

interface CounterSource {
  readonly metric: string;
  /** Which labelled series count; all of them when absent. */
  readonly where?: (labels: Labels) => boolean;
}

const COUNTERS = {
  authorizationRequests: { metric: 'gatehouse_authorization_requests_total' },
  codesIssued: { metric: 'gatehouse_authorization_codes_issued_total' },
  consentDecisions: { metric: 'gatehouse_consent_decisions_total' },
  consentDenied: { metric: 'gatehouse_consent_decisions_total', where: (labels) => labels.decision === 'deny' },
  securityEvents: { metric: 'gatehouse_security_events_total' },
  tokenRequests: { metric: 'gatehouse_token_requests_total' },
  tokenSucceeded: { metric: 'gatehouse_token_requests_total', where: (labels) => labels.error === 'none' },
  httpRequests: { metric: 'gatehouse_http_requests_total' },
  httpServerErrors: { metric: 'gatehouse_http_requests_total', where: (labels) => labels.status_class === '5xx' },
  pkceFailures: { metric: 'gatehouse_pkce_failures_total' },
  redirectUriRejections: { metric: 'gatehouse_redirect_uri_rejections_total' },
} satisfies Record<string, CounterSource>;

export type CounterFigure = keyof typeof COUNTERS;

/** Counters split by one label, for the tables under the charts. */
const BREAKDOWNS = {
  securityEventsByType: { metric: 'gatehouse_security_events_total', label: 'type' },
  pkceFailuresByStage: { metric: 'gatehouse_pkce_failures_total', label: 'stage' },
  tokenErrorsByCode: { metric: 'gatehouse_token_requests_total', label: 'error', where: (labels: Labels) => labels.error !== 'none' },
} satisfies Record<string, CounterSource & { readonly label: string }>;

export type Breakdown = keyof typeof BREAKDOWNS;

const TOKEN_LATENCY = 'gatehouse_token_request_duration_seconds';

/** Requests at or under `upperBound` seconds (Infinity for the last bucket), cumulative as Prometheus keeps them. */
export interface LatencyBucket {
  readonly upperBound: number;
  readonly count: number;
}

export interface MetricSnapshot {
  /** Epoch seconds of the reading. */
  readonly at: number;
  readonly counters: Readonly<Record<CounterFigure, number>>;
  readonly breakdowns: Readonly<Record<Breakdown, Readonly<Record<string, number>>>>;
  /** /token latency over every grant type, ascending by bound. */
  readonly tokenLatency: readonly LatencyBucket[];
}

type Readings = ReadonlyMap<string, readonly MetricValueWithName<string>[]>;

/** Every series of the metrics the dashboard uses; a metric not registered (yet) reads as no series. */
/** The catalogue names the dashboard reads; an absent one reads as zero, so a test checks each against the catalogue. */
export const DASHBOARD_METRIC_NAMES: ReadonlySet<string> = new Set(
  [...Object.values(COUNTERS), ...Object.values(BREAKDOWNS)].map((source) => source.metric).concat(TOKEN_LATENCY),
);

async function readMetrics(registry: Registry): Promise<Readings> {
  const readings = new Map<string, readonly MetricValueWithName<string>[]>();
  // One metric at a time rather than the whole registry: the process metrics' collectors are not needed here.
  for (const name of DASHBOARD_METRIC_NAMES) readings.set(name, (await registry.getSingleMetric(name)?.get())?.values ?? []);
  return readings;
}

function sumOf(readings: Readings, source: CounterSource): number {
  const values = readings.get(source.metric) ?? [];
  return values.filter((value) => source.where?.(value.labels) ?? true).reduce((total, value) => total + value.value, 0);
}

function breakdownOf(readings: Readings, source: CounterSource & { readonly label: string }): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const value of readings.get(source.metric) ?? []) {
    if (!(source.where?.(value.labels) ?? true)) continue;
    const key = String(value.labels[source.label] ?? '');
    totals[key] = (totals[key] ?? 0) + value.value;
  }
  return totals;
}

/** Bucket counts summed over the grant types (prom-client reports `le` as a number, or "+Inf"). */
function latencyBuckets(readings: Readings): LatencyBucket[] {
  const byBound = new Map<number, number>();
  for (const value of readings.get(TOKEN_LATENCY) ?? []) {
    if (value.metricName !== `${TOKEN_LATENCY}_bucket`) continue;
    const upperBound = value.labels.le === '+Inf' ? Infinity : Number(value.labels.le);
    byBound.set(upperBound, (byBound.get(upperBound) ?? 0) + value.value);
  }
  return [...byBound].sort(([a], [b]) => a - b).map(([upperBound, count]) => ({ upperBound, count }));
}

export async function readSnapshot(registry: Registry, at: number): Promise<MetricSnapshot> {
  const readings = await readMetrics(registry);
  const counters = Object.fromEntries(Object.entries(COUNTERS).map(([figure, source]) => [figure, sumOf(readings, source)]));
  const breakdowns = Object.fromEntries(Object.entries(BREAKDOWNS).map(([name, source]) => [name, breakdownOf(readings, source)]));
  return {
    at,
    counters: counters as Record<CounterFigure, number>,
    breakdowns: breakdowns as Record<Breakdown, Record<string, number>>,
    tokenLatency: latencyBuckets(readings),
  };
}
