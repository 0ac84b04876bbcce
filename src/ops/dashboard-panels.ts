// What the Gatehouse dashboard shows, row by row: the executive summary, the on-call view, and the debugging detail.
import { OPS_METRICS } from './metrics-used.js';
import { histogramQuantile, series, sumIncrease, sumRate } from './promql.js';
import { AUTHORIZATION_SLO, errorRatio, percent, TOKEN_EXCHANGE_SLO, type ServiceLevelObjective } from './slos.js';

/** Grafana's own range variables: the rate window it picks for the zoom level, and the whole time range shown. */
export const RATE_INTERVAL = '$__rate_interval';
export const DASHBOARD_RANGE = '$__range';

export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelDefinition {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'stat';
  /** A Grafana unit: percentunit, s, reqps, short. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  /** A line (time series) or colour step (stat) at the objective or alert threshold, and which side of it is bad. */
  readonly threshold?: { readonly value: number; readonly badWhen: 'below' | 'above' };
}

export interface DashboardRow {
  readonly title: string;
  readonly panels: readonly PanelDefinition[];
}

const successOf = (slo: ServiceLevelObjective, selector: string, window: string): string => `1 - (${errorRatio(slo, selector, window)})`;

function sloPanel(slo: ServiceLevelObjective, selector: string): PanelDefinition {
  return {
    title: `${slo.title} (objective ${percent(slo.objective)})`,
    description: `Over the time range shown: 1 minus the error ratio the ${slo.alertPrefix}ErrorBudget alerts watch (see docs/runbook.md).`,
    kind: 'stat',
    unit: 'percentunit',
    queries: [{ expr: successOf(slo, selector, DASHBOARD_RANGE), legend: slo.title }],
    threshold: { value: slo.objective, badWhen: 'below' },
  };
}

function executiveRow(selector: string): DashboardRow {
  const consents = series(OPS_METRICS.consentDecisions, selector);
  return {
    title: 'Executive',
    panels: [
      sloPanel(AUTHORIZATION_SLO, selector),
      sloPanel(TOKEN_EXCHANGE_SLO, selector),
      {
        title: 'Authorization success rate',
        description: 'Codes issued per authorization request started. People abandoning or declining lower it, so it is not the SLO.',
        kind: 'timeseries',
        unit: 'percentunit',
        queries: [{
          expr: `${sumRate(series(OPS_METRICS.authorizationCodesIssued, selector), RATE_INTERVAL)} / ${sumRate(series(OPS_METRICS.authorizationRequests, selector), RATE_INTERVAL)}`,
          legend: 'codes issued / requests started',
        }],
      },
      {
        title: 'Consent decline rate',
        description: 'Consent screens answered with Deny.',
        kind: 'timeseries',
        unit: 'percentunit',
        queries: [{ expr: `${sumRate(series(OPS_METRICS.consentDecisions, selector, 'decision="deny"'), RATE_INTERVAL)} / ${sumRate(consents, RATE_INTERVAL)}`, legend: 'declined' }],
      },
      {
        title: 'Security events',
        description: 'Replays, reuse, throttling and refresh context changes, by event type (the GatehouseReplayDetected, GatehouseTokenReuseDetected, GatehouseThrottlingSpike and GatehouseRefreshContextChangeSpike alerts). A context change is a signal: nothing was refused.',
        kind: 'timeseries',
        unit: 'short',
        queries: [{ expr: sumIncrease(series(OPS_METRICS.securityEvents, selector), RATE_INTERVAL, ['type']), legend: '{{type}}' }],
      },
      {
        title: 'Token exchange success',
        description: 'Successful /token answers per valid request (client mistakes excluded), as the token exchange SLO counts them.',
        kind: 'timeseries',
        unit: 'percentunit',
        queries: [{ expr: successOf(TOKEN_EXCHANGE_SLO, selector, RATE_INTERVAL), legend: 'success' }],
        threshold: { value: TOKEN_EXCHANGE_SLO.objective, badWhen: 'below' },
      },
    ],
  };
}

function onCallRow(selector: string): DashboardRow {
  const tokenBuckets = series(OPS_METRICS.tokenRequestDurationBuckets, selector);
  const burnRate = (slo: ServiceLevelObjective): PanelQuery => ({ expr: `(${errorRatio(slo, selector, '1h')}) / (1 - ${slo.objective})`, legend: slo.title });
  return {
    title: 'On call',
    panels: [
      {
        title: 'Error budget burn rate (1h)',
        description: '1 spends the 30-day budget in exactly 30 days; the page fires above 14.4 (with the 5m window) or 6 (6h and 30m).',
        kind: 'timeseries',
        unit: 'short',
        queries: [burnRate(AUTHORIZATION_SLO), burnRate(TOKEN_EXCHANGE_SLO)],
        threshold: { value: 14.4, badWhen: 'above' },
      },
      {
        title: 'Token endpoint latency',
        description: 'p95 and p99 of /token; GatehouseTokenLatencyHigh fires when p95 stays above 500 ms.',
        kind: 'timeseries',
        unit: 's',
        queries: [
          { expr: histogramQuantile(0.95, tokenBuckets, RATE_INTERVAL), legend: 'p95' },
          { expr: histogramQuantile(0.99, tokenBuckets, RATE_INTERVAL), legend: 'p99' },
        ],
        threshold: { value: 0.5, badWhen: 'above' },
      },
      {
        title: '5xx rate by route',
        description: 'Server errors per second, by Fastify route template.',
        kind: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: sumRate(series(OPS_METRICS.httpRequests, selector, 'status_class="5xx"'), RATE_INTERVAL, ['route']), legend: '{{route}}' }],
      },
      {
        title: 'PKCE failures',
        description: 'By stage: authorize (missing or invalid challenge) or token (verifier mismatch).',
        kind: 'timeseries',
        unit: 'short',
        queries: [{ expr: sumIncrease(series(OPS_METRICS.pkceFailures, selector), RATE_INTERVAL, ['stage']), legend: '{{stage}}' }],
      },
      {
        title: 'Redirect URI errors',
        description: 'Unregistered or mismatched redirect URIs refused at /authorize and /par, by client.',
        kind: 'timeseries',
        unit: 'short',
        queries: [{ expr: sumIncrease(series(OPS_METRICS.redirectUriRejections, selector), RATE_INTERVAL, ['client_id']), legend: '{{client_id}}' }],
      },
      {
        title: 'Token reuse detections',
        description: 'Spent codes and rotated refresh tokens presented again; Gatehouse revoked what was issued from them, except when another client presented the code (refused, nothing revoked).',
        kind: 'timeseries',
        unit: 'short',
        queries: [{ expr: sumIncrease(series(OPS_METRICS.tokenReuseDetections, selector), RATE_INTERVAL, ['kind']), legend: '{{kind}}' }],
      },
    ],
  };
}

function debugRow(selector: string): DashboardRow {
  return {
    title: 'Debug',
    panels: [
      {
        title: 'Token failures by client and error',
        description: 'Refused /token requests per second, by client and RFC 6749 error code.',
        kind: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: sumRate(series(OPS_METRICS.tokenRequests, selector, 'error!="none"'), RATE_INTERVAL, ['client_id', 'error']), legend: '{{client_id}} {{error}}' }],
      },
      {
        title: 'Authorization failures by client and error',
        description: 'Refused /authorize requests per second, by client, error code and reason.',
        kind: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: sumRate(series(OPS_METRICS.authorizationErrors, selector), RATE_INTERVAL, ['client_id', 'error', 'reason']), legend: '{{client_id}} {{error}} ({{reason}})' }],
      },
      {
        title: 'Refresh failures by reason',
        description: 'Refused refresh token grants by reason (expired, revoked, reused, wrong_client ...).',
        kind: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: sumRate(series(OPS_METRICS.refreshFailures, selector), RATE_INTERVAL, ['reason']), legend: '{{reason}}' }],
      },
      {
        title: 'Login attempts by outcome',
        description: 'Sign-ins per second: success, bad_credentials, throttled.',
        kind: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: sumRate(series(OPS_METRICS.loginAttempts, selector), RATE_INTERVAL, ['outcome']), legend: '{{outcome}}' }],
      },
      {
        title: 'Token latency p95 by grant type',
        description: 'Which grant is slow.',
        kind: 'timeseries',
        unit: 's',
        queries: [{ expr: histogramQuantile(0.95, series(OPS_METRICS.tokenRequestDurationBuckets, selector), RATE_INTERVAL, ['grant_type']), legend: '{{grant_type}}' }],
      },
      {
        title: 'Slowest database operations (p95)',
        description: 'The ten repository methods with the highest p95 query time.',
        kind: 'timeseries',
        unit: 's',
        queries: [{ expr: `topk(10, ${histogramQuantile(0.95, series(OPS_METRICS.dbQueryDurationBuckets, selector), RATE_INTERVAL, ['operation'])})`, legend: '{{operation}}' }],
      },
    ],
  };
}

/** The dashboard's rows, each query narrowed by the operator's selector. */
export function dashboardRows(selector: string): readonly DashboardRow[] {
  return [executiveRow(selector), onCallRow(selector), debugRow(selector)];
}
