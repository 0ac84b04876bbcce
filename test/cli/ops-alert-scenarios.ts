// Synthetic series for `promtool test rules`: each alert fires on a bad pattern and stays silent on healthy ones.

/** Every scenario's series carry the selector the rules are generated with; job="other" series must be ignored. */
export const SCENARIO_SELECTOR = 'job="gatehouse"';
/** The selector's identity label (an equality matcher): every alert and recorded ratio keeps it. */
export const SCENARIO_IDENTITY: Readonly<Record<string, string>> = { job: 'gatehouse' };

/** Rules are evaluated every 10 minutes (a minute would make the three-day scenarios slow); expectations fall on them. */
export const EVALUATION_INTERVAL_MINUTES = 10;

export interface AlertExpectation {
  /** Minutes since the start of the series, a multiple of the evaluation interval. */
  readonly atMinute: number;
  readonly alert: string;
  /** The labels each firing alert has besides the rule's own (severity, slo); [] for silence. */
  readonly firing: ReadonlyArray<Readonly<Record<string, string>>>;
}

export interface Scenario {
  readonly name: string;
  /** promtool's sample interval; the default is one minute. */
  readonly interval?: string;
  /** Series name with labels -> promtool's expanding notation (`0+10x60`: 61 samples from 0, adding 10 each). */
  readonly series: Readonly<Record<string, string>>;
  readonly expectations: readonly AlertExpectation[];
}

function series(metric: string, labels: Readonly<Record<string, string>> = {}, job = 'gatehouse'): string {
  const matchers = Object.entries({ job, ...labels }).map(([name, value]) => `${name}="${value}"`);
  return `${metric}{${matchers.join(',')}}`;
}

const token = (error: string, job?: string): string =>
  series('gatehouse_token_requests_total', { grant_type: 'authorization_code', client_id: 'app', error }, job);
const http = (route: string, statusClass: string): string =>
  series('gatehouse_http_requests_total', { route, method: 'GET', status_class: statusClass });
const authorizationRequests = series('gatehouse_authorization_requests_total', { client_id: 'app' });
const latencyBucket = (le: string): string => series('gatehouse_token_request_duration_seconds_bucket', { grant_type: 'authorization_code', le });
const latencyCount = series('gatehouse_token_request_duration_seconds_count', { grant_type: 'authorization_code' });
const securityEvent = (type: string): string => series('gatehouse_security_events_total', { type });
const silent = (alert: string, atMinute: number): AlertExpectation => ({ atMinute, alert, firing: [] });
const firing = (alert: string, atMinute: number, labels: Readonly<Record<string, string>> = {}): AlertExpectation => ({ atMinute, alert, firing: [labels] });

/** A token endpoint answering `none` per minute and `badPerMinute` server errors, over `samples` samples. */
function tokenTraffic(goodPerSample: number, badPerSample: number, samples: number): Record<string, string> {
  return { [token('none')]: `0+${goodPerSample}x${samples}`, [token('server_error')]: `0+${badPerSample}x${samples}` };
}

/** Slow (0.5 to 1 s) or fast (under 0.25 s) token answers, `perMinute` of them, for 30 minutes. */
function latency(slow: boolean, perMinute: number): Record<string, string> {
  const rising = `0+${perMinute}x30`;
  return {
    [latencyBucket('0.25')]: slow ? '0x30' : rising,
    [latencyBucket('0.5')]: slow ? '0x30' : rising,
    [latencyBucket('1')]: rising,
    [latencyBucket('+Inf')]: rising,
    [latencyCount]: rising,
  };
}

const DAY = 1440;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'token exchange: server errors page within the hour; client mistakes and other jobs never count',
    series: {
      [token('none')]: '0+100x120',
      [token('server_error')]: '0x60 10+10x59',
      [token('invalid_grant')]: '0+1000x120',
      [token('server_error', 'other')]: '0+1000x120',
    },
    expectations: [
      silent('GatehouseTokenExchangeErrorBudgetBurn', 60),
      firing('GatehouseTokenExchangeErrorBudgetBurn', 120),
    ],
  },
  {
    name: 'token exchange: a 6x burn pages over 6h and 30m, and resets once the short window is clean',
    series: { [token('none')]: '0+1000x420', [token('server_error')]: '0+4x360 1440x59' },
    expectations: [firing('GatehouseTokenExchangeErrorBudgetBurn', 360), silent('GatehouseTokenExchangeErrorBudgetBurn', 420)],
  },
  {
    name: 'burning the budget at 2x over three days opens tickets, no page',
    interval: '10m',
    series: {
      ...tokenTraffic(10000, 10, 432),
      [authorizationRequests]: '0+10000x432',
      [http('/consent', '5xx')]: '0+20x432',
    },
    expectations: [
      firing('GatehouseTokenExchangeErrorBudgetSlowBurn', 3 * DAY),
      silent('GatehouseTokenExchangeErrorBudgetBurn', 3 * DAY),
      firing('GatehouseAuthorizationErrorBudgetSlowBurn', 3 * DAY),
      silent('GatehouseAuthorizationErrorBudgetBurn', 3 * DAY),
    ],
  },
  {
    name: 'errors within budget over three days: no ticket',
    interval: '10m',
    series: { ...tokenTraffic(10000, 2, 432), [authorizationRequests]: '0+10000x432', [http('/consent', '5xx')]: '0+5x432' },
    expectations: [silent('GatehouseTokenExchangeErrorBudgetSlowBurn', 3 * DAY), silent('GatehouseAuthorizationErrorBudgetSlowBurn', 3 * DAY)],
  },
  {
    name: 'authorization: abandoned and refused requests are not errors, 5xx on the flow routes are',
    series: {
      [authorizationRequests]: '0+100x120',
      [series('gatehouse_authorization_codes_issued_total', { client_id: 'app' })]: '0+50x120',
      [series('gatehouse_authorization_errors_total', { client_id: 'app', error: 'invalid_scope', reason: 'scope' })]: '0+20x120',
      [http('/login', '5xx')]: '0x60 5+5x59',
    },
    expectations: [silent('GatehouseAuthorizationErrorBudgetBurn', 60), firing('GatehouseAuthorizationErrorBudgetBurn', 120)],
  },
  {
    name: 'authorization: server errors sent to the redirect URI count too',
    series: {
      [authorizationRequests]: '0+100x60',
      [series('gatehouse_authorization_errors_total', { client_id: 'app', error: 'server_error', reason: 'other' })]: '0+3x60',
    },
    expectations: [firing('GatehouseAuthorizationErrorBudgetBurn', 60)],
  },
  { name: 'slow token answers', series: latency(true, 100), expectations: [firing('GatehouseTokenLatencyHigh', 30)] },
  { name: 'fast token answers', series: latency(false, 100), expectations: [silent('GatehouseTokenLatencyHigh', 30)] },
  { name: 'a slow token answer now and then is too few for a p95', series: latency(true, 0.2), expectations: [silent('GatehouseTokenLatencyHigh', 30)] },
  {
    name: '/authorize answering 5xx to 0.5 %',
    series: { [http('/authorize', '3xx')]: '0+1000x30', [http('/authorize', '5xx')]: '0+5x30' },
    expectations: [firing('GatehouseAuthorizationServerErrors', 30)],
  },
  {
    name: '/authorize answering 5xx to 0.05 %',
    series: { [http('/authorize', '3xx')]: '0+1000x30', [http('/authorize', '5xx')]: '0+0.5x30' },
    expectations: [silent('GatehouseAuthorizationServerErrors', 30)],
  },
  {
    name: 'PKCE failures jump from one per 10 minutes to fifty; redirect URI errors appear from nothing',
    series: {
      [series('gatehouse_pkce_failures_total', { stage: 'token' })]: `0+0.1x${DAY} 144+5x20`,
      [series('gatehouse_redirect_uri_rejections_total', { client_id: 'app' })]: `_x${DAY} 0+5x20`,
    },
    expectations: [firing('GatehousePkceFailureSpike', DAY + 20), firing('GatehouseRedirectUriRejectionSpike', DAY + 20)],
  },
  {
    name: 'PKCE failures steady at 30 per 10 minutes; a few redirect URI errors after a quiet day',
    series: {
      [series('gatehouse_pkce_failures_total', { stage: 'authorize' })]: `0+3x${DAY + 20}`,
      [series('gatehouse_redirect_uri_rejections_total', { client_id: 'app' })]: `0x${DAY} 0+0.5x20`,
    },
    expectations: [silent('GatehousePkceFailureSpike', DAY + 20), silent('GatehouseRedirectUriRejectionSpike', DAY + 20)],
  },
  {
    name: 'token reuse and replays counted up from the zero Gatehouse starts them at; context changes and throttling are no replay; then quiet',
    series: {
      [series('gatehouse_token_reuse_detections_total', { kind: 'refresh_token' })]: '0x12 1x18',
      [series('gatehouse_token_reuse_detections_total', { kind: 'authorization_code' })]: '0x12 1x18',
      [securityEvent('dpop_proof.replayed')]: '0x12 1x18',
      [securityEvent('login.throttled')]: '0x12 1x18',
      [securityEvent('refresh_token.reused')]: '0x12 1x18',
      [securityEvent('refresh_token.context_changed')]: '0x12 1x18',
    },
    expectations: [
      { atMinute: 20, alert: 'GatehouseTokenReuseDetected', firing: [{ kind: 'refresh_token' }, { kind: 'authorization_code' }] },
      firing('GatehouseReplayDetected', 20, { type: 'dpop_proof.replayed' }),
      silent('GatehouseTokenReuseDetected', 30),
      silent('GatehouseReplayDetected', 30),
    ],
  },
  {
    name: 'a fresh start: Gatehouse comes up at minute 30 with its counters at zero, and a replay follows',
    series: {
      [series('gatehouse_token_reuse_detections_total', { kind: 'refresh_token' })]: '_x30 0x5 1x20',
      [securityEvent('request_uri.replayed')]: '_x30 0x5 1x20',
    },
    expectations: [
      silent('GatehouseTokenReuseDetected', 30),
      firing('GatehouseTokenReuseDetected', 40, { kind: 'refresh_token' }),
      firing('GatehouseReplayDetected', 40, { type: 'request_uri.replayed' }),
    ],
  },
  {
    name: 'a scrape gap of 12 minutes over flat counters is no new detection',
    series: {
      [series('gatehouse_token_reuse_detections_total', { kind: 'authorization_code' })]: '3x60 _x12 3x30',
      [securityEvent('client_assertion.replayed')]: '3x60 _x12 3x30',
    },
    expectations: [80, 90, 100].flatMap((minute) => [silent('GatehouseTokenReuseDetected', minute), silent('GatehouseReplayDetected', minute)]),
  },
  {
    name: 'refresh context changes: a surge after a day of a few opens a ticket; a steady trickle does not',
    series: {
      [securityEvent('refresh_token.context_changed')]: `0+0.5x${DAY} 720+10x30`,
    },
    expectations: [silent('GatehouseRefreshContextChangeSpike', DAY), firing('GatehouseRefreshContextChangeSpike', DAY + 20)],
  },
  {
    name: 'refresh context changes steady at 30 per 10 minutes',
    series: { [securityEvent('refresh_token.context_changed')]: `0+3x${DAY + 30}` },
    expectations: [silent('GatehouseRefreshContextChangeSpike', DAY + 30)],
  },
  {
    name: 'throttling surges after a quiet half hour; an occasional throttle does not alert',
    series: { [securityEvent('login.throttled')]: '0x30 0+5x20', [securityEvent('user_code.throttled')]: '0+0.1x50' },
    expectations: [firing('GatehouseThrottlingSpike', 50), silent('GatehouseThrottlingSpike', 20)],
  },
];

/** Two deployments scraped by one Prometheus, each with a rule file of its own (`--selector` with its deployment). */
export const DEPLOYMENT_SELECTORS = { a: 'job="gatehouse",deployment="a"', b: 'job="gatehouse",deployment="b"' } as const;

const deploymentToken = (deployment: string, error: string): string =>
  series('gatehouse_token_requests_total', { deployment, grant_type: 'authorization_code', client_id: 'app', error });

/** Deployment a fails, b (busier) is healthy: a's page fires once, with its labels, and b's ratios never replace a's. */
export const TWO_DEPLOYMENTS: Scenario = {
  name: 'two deployments: each rule file records and alerts on its own ratios',
  series: {
    [deploymentToken('a', 'none')]: '0+100x120',
    [deploymentToken('a', 'server_error')]: '0x60 10+10x59',
    [deploymentToken('b', 'none')]: '0+10000x120',
  },
  expectations: [
    silent('GatehouseTokenExchangeErrorBudgetBurn', 60),
    firing('GatehouseTokenExchangeErrorBudgetBurn', 120, { deployment: 'a' }),
  ],
};
