// GET /admin, /admin/on-call, /admin/debug and /admin/flows/:flowId: the ops dashboard for signed-in admins. Without a
// session: 401 and the way to sign in; signed in without the admin role: 403. Neither ever shows a figure.
import { findSignedIn } from '../account/signed-in.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { InvalidRequest, NotFound } from '../errors/oauth-errors.js';
import { SERIES_RANGES, type SeriesRange } from '../observability/time-series.js';
import { failure } from '../protocol/error-responses.js';
import { withCookies, type FlowReply, type RequestInfo } from '../protocol/flow.js';
import { readParameters } from '../protocol/parameters.js';
import { pageResponse, type RenderedResponse } from '../protocol/rendered-response.js';
import type { Store } from '../store/store.js';
import { renderDebugPage, renderFlowPage } from '../ui/admin-debug.js';
import { renderMetricsDisabled, renderOverviewPage } from '../ui/admin-overview.js';
import { renderAdminForbidden, renderAdminSignIn, type OverviewView } from '../ui/admin-page.js';
import type { DashboardSources } from './dashboard-sources.js';
import { breakdownTables, figureCards, VIEW_SPECS } from './dashboard-views.js';

export interface AdminDeps {
  readonly store: Store;
  readonly config: Config;
  readonly clock: Clock;
  readonly dashboard: DashboardSources;
}

type AdminPage = (deps: AdminDeps, parameters: ReadonlyMap<string, string>) => FlowReply | Promise<FlowReply>;

/** Flow ids are ours (random, URL-safe); anything else cannot name a flow, so it is refused before the lookup. */
const FLOW_ID = /^[A-Za-z0-9_-]{1,100}$/;

function readRange(parameters: ReadonlyMap<string, string>): SeriesRange {
  const range = parameters.get('range') ?? 'hour';
  if (!Object.hasOwn(SERIES_RANGES, range)) throw new InvalidRequest({ description: 'The range must be "hour" or "day".' });
  return range as SeriesRange;
}

/**
 * RFC 9110 §15.5.2: a 401 carries a challenge. No registered scheme fits a cookie session opened by signing in on a
 * page (Basic would make browsers prompt for a password the dashboard never reads; Bearer would invite an access
 * token it never accepts), so the challenge names its own scheme and where to sign in; browsers show the page.
 */
function signInChallenge(): RenderedResponse {
  const rendered = pageResponse(renderAdminSignIn(), 401);
  return { ...rendered, headers: { ...rendered.headers, 'www-authenticate': 'Session realm="Gatehouse ops dashboard", sign-in="/account"' } };
}

/**
 * Lets only a live session of an enabled admin through; everyone else gets a page without a single figure. The
 * lookup is not activity: an open tab reloads itself, and must not hold a privileged session open past its idle
 * expiry (`sessions.idleTtl`), so only what the admin does elsewhere (the account page, a sign-in) extends it.
 */
async function showToAdmin(deps: AdminDeps, query: unknown, info: RequestInfo, page: AdminPage): Promise<FlowReply> {
  try {
    const signedIn = await findSignedIn(deps, info, deps.clock(), { activity: false });
    if (signedIn === undefined) return withCookies(signInChallenge());
    if (!signedIn.user.admin) return withCookies(pageResponse(renderAdminForbidden(), 403));
    return await page(deps, readParameters(query, deps.config.limits.parameterBytes));
  } catch (error) {
    return failure(error, undefined, info.requestId);
  }
}

const overview =
  (view: OverviewView): AdminPage =>
  async (deps, parameters) => {
    const range = readRange(parameters);
    const { timeSeries } = deps.dashboard;
    if (timeSeries === undefined) return withCookies(pageResponse(renderMetricsDisabled(view)));
    const samples = await timeSeries.window(range);
    const now = samples.at(-1)?.at ?? deps.clock();
    const spec = VIEW_SPECS[view];
    const page = renderOverviewPage({
      view,
      range,
      covered: now - (samples[0]?.at ?? now),
      frame: { now, ...SERIES_RANGES[range] },
      cards: figureCards(spec, samples),
      tables: breakdownTables(spec, samples),
    });
    return withCookies(pageResponse(page));
  };

const debug: AdminPage = (deps) => {
  const { recentEvents } = deps.dashboard;
  return withCookies(pageResponse(renderDebugPage(recentEvents.failedTokenRequests(), recentEvents.recentFlows(), deps.config.dashboard)));
};

const flowTimeline =
  (flowId: string): AdminPage =>
  (deps) => {
    const events = FLOW_ID.test(flowId) ? deps.dashboard.recentEvents.flow(flowId) : undefined;
    if (events === undefined) throw new NotFound({ description: 'This instance has no record of that flow: it may have been served by another instance, or forgotten.' });
    return withCookies(pageResponse(renderFlowPage(flowId, events)));
  };

export const showExecutiveView = (deps: AdminDeps, query: unknown, info: RequestInfo) => showToAdmin(deps, query, info, overview('executive'));
export const showOnCallView = (deps: AdminDeps, query: unknown, info: RequestInfo) => showToAdmin(deps, query, info, overview('on-call'));
export const showDebugView = (deps: AdminDeps, query: unknown, info: RequestInfo) => showToAdmin(deps, query, info, debug);
export const showFlowTimeline = (deps: AdminDeps, flowId: string, info: RequestInfo) => showToAdmin(deps, undefined, info, flowTimeline(flowId));
