// The two service level objectives and the multi-window, multi-burn-rate policy that guards them.
import { OPS_METRICS } from './metrics-used.js';
import { anyOf, series, sumRate } from './promql.js';
import { identityLabels } from './selector.js';

/**
 * Answers a token request can fail with because of the server rather than the client (RFC 6749 §5.2 codes and the
 * OAuth 2.1 `temporarily_unavailable`). Every other error (invalid_grant, invalid_client, authorization_pending ...)
 * is the client's mistake or the protocol working as designed: counting it would let one broken client, or devices
 * polling, spend the budget, and would dilute the ratio, so those answers are not valid events at all.
 */
export const SERVER_CAUSED_ERRORS = ['server_error', 'temporarily_unavailable'] as const;

/**
 * The routes an authorization code flow passes through (Fastify route templates): a 5xx on any of them fails a
 * person's sign-in. A test checks they are the routes Gatehouse registers.
 */
export const AUTHORIZATION_FLOW_ROUTES = ['/authorize', '/authorize/resume', '/par', '/login', '/consent'] as const;

export interface ServiceLevelObjective {
  /** Used in recording rule names: `gatehouse:<id>_error_ratio:rate<window>`. */
  readonly id: 'token_exchange' | 'authorization';
  readonly title: string;
  /** What its errors are, for alert descriptions. */
  readonly errors: string;
  /** Prefix of its alert names. */
  readonly alertPrefix: string;
  /** The fraction of valid events that must succeed, e.g. 0.9995. */
  readonly objective: number;
  /** Bad events per second over `window`, per identity label, as parts to add up; a part without failures is empty. */
  readonly errorRates: (selector: string, window: string) => readonly string[];
  /** Valid events per second over `window`, per identity label: empty or 0 without traffic, so no alert fires. */
  readonly validRate: (selector: string, window: string) => string;
}

/** Ratios are kept per identity label of the selector (selector.ts), so two deployments' ratios never merge. */
const by = (selector: string): readonly string[] => identityLabels(selector).names;

const serverCaused = `error=~"${anyOf(SERVER_CAUSED_ERRORS)}"`;

export const TOKEN_EXCHANGE_SLO: ServiceLevelObjective = {
  id: 'token_exchange',
  title: 'Token exchange success',
  errors: 'Server-caused token endpoint failures',
  alertPrefix: 'GatehouseTokenExchange',
  objective: 0.9995,
  errorRates: (selector, window) => [sumRate(series(OPS_METRICS.tokenRequests, selector, serverCaused), window, by(selector))],
  validRate: (selector, window) =>
    sumRate(series(OPS_METRICS.tokenRequests, selector, `error=~"${anyOf(['none', ...SERVER_CAUSED_ERRORS])}"`), window, by(selector)),
};

/**
 * Valid events are the authorization requests started; errors are the server's failures along the flow: 5xx answers
 * on its routes, and server errors sent back to the client's redirect URI (a 3xx, so not among the 5xx). Requests a
 * person abandons or declines, and those refused for the client's mistakes, are not errors: the codes issued per
 * request started (the dashboard's conversion) depends on people, and no server can promise 99.9 % of it. A failure
 * shown as a page before the redirect URI is known may count twice, which errs towards alerting.
 */
export const AUTHORIZATION_SLO: ServiceLevelObjective = {
  id: 'authorization',
  title: 'Authorization success',
  errors: 'Server failures during authorization flows',
  alertPrefix: 'GatehouseAuthorization',
  objective: 0.999,
  errorRates: (selector, window) => [
    sumRate(series(OPS_METRICS.httpRequests, selector, `route=~"${anyOf(AUTHORIZATION_FLOW_ROUTES)}",status_class="5xx"`), window, by(selector)),
    sumRate(series(OPS_METRICS.authorizationErrors, selector, serverCaused), window, by(selector)),
  ],
  validRate: (selector, window) => sumRate(series(OPS_METRICS.authorizationRequests, selector), window, by(selector)),
};

export const SERVICE_LEVEL_OBJECTIVES: readonly ServiceLevelObjective[] = [TOKEN_EXCHANGE_SLO, AUTHORIZATION_SLO];

/** Both windows must burn faster than `factor` times the sustainable rate: the long one for significance, the short one to reset quickly. */
export interface BurnRateCondition {
  readonly factor: number;
  readonly longWindow: string;
  readonly shortWindow: string;
}

export interface BurnRateAlert {
  readonly nameSuffix: string;
  readonly severity: 'critical' | 'warning';
  readonly conditions: readonly BurnRateCondition[];
}

/**
 * The Google SRE workbook's policy for a 30-day budget ("Alerting on SLOs", table 5-8): page when 2 % of the budget
 * goes in an hour or 5 % in six hours; open a ticket when 10 % goes in three days.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    nameSuffix: 'ErrorBudgetBurn',
    severity: 'critical',
    conditions: [
      { factor: 14.4, longWindow: '1h', shortWindow: '5m' },
      { factor: 6, longWindow: '6h', shortWindow: '30m' },
    ],
  },
  { nameSuffix: 'ErrorBudgetSlowBurn', severity: 'warning', conditions: [{ factor: 1, longWindow: '3d', shortWindow: '6h' }] },
];

/** Every window some burn-rate condition reads, so each gets one recording rule per objective. */
export const BURN_RATE_WINDOWS: readonly string[] = [
  ...new Set(BURN_RATE_ALERTS.flatMap((alert) => alert.conditions.flatMap((condition) => [condition.shortWindow, condition.longWindow]))),
];

/** The recorded error ratio of an objective over a window. */
export function errorRatioRecord(slo: ServiceLevelObjective, window: string): string {
  return `gatehouse:${slo.id}_error_ratio:rate${window}`;
}

/**
 * The error ratio of an objective over `window`, computed from the raw series (what the recording rules store). A part
 * of the errors without series counts as 0 wherever there were valid events, so a service without failures records 0,
 * not no data; `0 * valid` rather than `vector(0)` keeps the identity labels, which a bare 0 would not match.
 */
export function errorRatio(slo: ServiceLevelObjective, selector: string, window: string): string {
  const valid = slo.validRate(selector, window);
  const errors = slo.errorRates(selector, window).map((part) => `(${part} or 0 * ${valid})`);
  return `(${errors.join(' + ')}) / ${valid}`;
}

/** "99.95 %" from 0.9995, without floating-point noise. */
export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))} %`;
}
