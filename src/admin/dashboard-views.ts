// What the executive and on-call views show: each figure's measure over the time series, and the breakdown tables.
import {
  breakdownIncrease,
  countOf,
  measureWindow,
  ratioOf,
  tokenLatencyQuantile,
  type Measure,
} from '../observability/dashboard-figures.js';
import type { Breakdown, MetricSnapshot } from '../observability/metric-snapshot.js';
import type { FigureCard, FigureUnit } from '../ui/admin-chart.js';
import type { BreakdownTable } from '../ui/admin-overview.js';
import type { OverviewView } from '../ui/admin-page.js';

interface FigureSpec {
  readonly title: string;
  readonly unit: FigureUnit;
  readonly explanation: string;
  readonly measure: Measure;
}

interface BreakdownSpec {
  readonly title: string;
  readonly label: string;
  readonly breakdown: Breakdown;
  readonly empty: string;
}

interface ViewSpec {
  readonly figures: readonly FigureSpec[];
  readonly tables: readonly BreakdownSpec[];
}

export const VIEW_SPECS: Readonly<Record<OverviewView, ViewSpec>> = {
  executive: {
    figures: [
      { title: 'Authorization success', unit: 'percent', explanation: 'Codes issued per authorization request started.', measure: ratioOf('codesIssued', 'authorizationRequests') },
      { title: 'Consent declined', unit: 'percent', explanation: 'Consent decisions that were "Deny".', measure: ratioOf('consentDenied', 'consentDecisions') },
      { title: 'Security events', unit: 'count', explanation: 'Replays, reuse and throttling: someone may hold what they should not.', measure: countOf('securityEvents') },
    ],
    tables: [{ title: 'Security events by type', label: 'Event', breakdown: 'securityEventsByType', empty: 'No security events.' }],
  },
  'on-call': {
    figures: [
      { title: 'Token exchange success', unit: 'percent', explanation: 'Token requests answered with tokens, every grant type.', measure: ratioOf('tokenSucceeded', 'tokenRequests') },
      { title: 'Token latency p95', unit: 'seconds', explanation: '95% of token requests were answered within this.', measure: tokenLatencyQuantile(0.95) },
      { title: 'Token latency p99', unit: 'seconds', explanation: '99% of token requests were answered within this.', measure: tokenLatencyQuantile(0.99) },
      { title: 'Server errors', unit: 'percent', explanation: 'HTTP responses with a 5xx status, every route.', measure: ratioOf('httpServerErrors', 'httpRequests') },
      { title: 'PKCE failures', unit: 'count', explanation: 'Missing or invalid code challenges, and verifiers that did not match.', measure: countOf('pkceFailures') },
      { title: 'Redirect URI errors', unit: 'count', explanation: 'Authorization requests refused for an unregistered redirect_uri; a spike is a broken or probing client.', measure: countOf('redirectUriRejections') },
    ],
    tables: [
      { title: 'Token errors by code', label: 'Error', breakdown: 'tokenErrorsByCode', empty: 'No refused token requests.' },
      { title: 'PKCE failures by stage', label: 'Stage', breakdown: 'pkceFailuresByStage', empty: 'No PKCE failures.' },
    ],
  },
};

export function figureCards(spec: ViewSpec, samples: readonly MetricSnapshot[]): FigureCard[] {
  return spec.figures.map(({ title, unit, explanation, measure }) => {
    const { total, points } = measureWindow(measure, samples);
    return { title, unit, explanation, value: total, points };
  });
}

export function breakdownTables(spec: ViewSpec, samples: readonly MetricSnapshot[]): BreakdownTable[] {
  const first = samples[0];
  const last = samples.at(-1);
  return spec.tables.map(({ title, label, breakdown, empty }) => ({
    title,
    label,
    empty,
    rows: first === undefined || last === undefined ? [] : breakdownIncrease(first.breakdowns[breakdown], last.breakdowns[breakdown]),
  }));
}
