// The debug view (the latest refused token requests, the latest flows) and one flow's timeline of events.
import type { FailedTokenRequest, FlowEvent, RecentEventLimits, RecentFlow } from '../observability/recent-events.js';
import { renderAdminPage } from './admin-page.js';
import { html, type SafeHtml } from './html.js';
import type { RenderedPage } from './layout.js';

/** "2026-11-30 09:15:07 UTC": seconds matter when reading a burst of failures. */
function timeOf(epochSeconds: number): SafeHtml {
  const iso = new Date(epochSeconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

const orDash = (value: string | null): SafeHtml | string => (value === null ? '–' : html`<code>${value}</code>`);

const flowLink = (flowId: string | null): SafeHtml | string => (flowId === null ? '–' : html`<a href="/admin/flows/${encodeURIComponent(flowId)}">timeline</a>`);

function renderFailures(failures: readonly FailedTokenRequest[]): SafeHtml {
  if (failures.length === 0) return html`<p class="muted">No refused token requests since this process started.</p>`;
  const rows = failures.map(
    (failure) => html`<tr><td>${timeOf(failure.at)}</td><td>${orDash(failure.clientId)}</td><td>${orDash(failure.grantType)}</td><td><code>${failure.error}</code></td>
<td>${orDash(failure.reason)}</td><td>${orDash(failure.ip)}</td><td>${orDash(failure.requestId)}</td><td>${flowLink(failure.flowId)}</td></tr>`,
  );
  return html`<div class="table-wrap"><table id="failed-token-requests"><thead><tr><th scope="col">Time</th><th scope="col">Client</th><th scope="col">Grant type</th>
<th scope="col">Error</th><th scope="col">Reason</th><th scope="col">IP</th><th scope="col">Request ID</th><th scope="col">Flow</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function renderFlows(flows: readonly RecentFlow[]): SafeHtml {
  if (flows.length === 0) return html`<p class="muted">No flows seen since this process started.</p>`;
  const rows = flows.map(({ flowId, events }) => {
    const first = events[0];
    const last = events.at(-1);
    return html`<tr><td><a href="/admin/flows/${encodeURIComponent(flowId)}"><code>${flowId}</code></a></td><td>${first === undefined ? '–' : timeOf(first.at)}</td>
<td>${events.length}</td><td>${last === undefined ? '–' : html`<code>${last.type}</code>`}</td></tr>`;
  });
  return html`<div class="table-wrap"><table id="recent-flows"><thead><tr><th scope="col">Flow</th><th scope="col">First event</th><th scope="col">Events</th>
<th scope="col">Latest</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export function renderDebugPage(failures: readonly FailedTokenRequest[], flows: readonly RecentFlow[], limits: RecentEventLimits): RenderedPage {
  return renderAdminPage({
    title: 'Debug',
    view: 'debug',
    body: html`<h2>Refused token requests</h2>
<p class="facts" id="debug-limits">Newest first. This instance keeps the latest ${limits.failedTokenRequests} naming a registered client and the latest
${limits.failedTokenRequests} others, at most ${limits.perSource} from any one client or IP (<code>dashboard.failedTokenRequests</code>, <code>dashboard.perSource</code>).</p>
${renderFailures(failures)}
<h2>Recent flows</h2>
<p class="facts">Authorizations followed from /authorize to the token exchange, most recently started first. Open one for its timeline. This instance keeps
the latest ${limits.flows}, at most ${limits.perSource} started from any one IP, and ${limits.eventsPerFlow} events of each (<code>dashboard.flows</code>, <code>dashboard.perSource</code>, <code>dashboard.eventsPerFlow</code>).</p>
${renderFlows(flows)}`,
  });
}

function renderEvent(event: FlowEvent): SafeHtml {
  const facts = event.facts.map(([name, value]) => html`<span>${name}=<code>${value}</code></span> `);
  return html`<li><h3><code>${event.type}</code></h3>
<p class="facts">${timeOf(event.at)} · request ${orDash(event.requestId)} · from ${orDash(event.ip)}</p>
<p class="facts">${facts}</p></li>`;
}

export function renderFlowPage(flowId: string, events: readonly FlowEvent[]): RenderedPage {
  return renderAdminPage({
    title: 'Flow timeline',
    body: html`<p class="lead">Flow <code>${flowId}</code>: ${events.length} ${events.length === 1 ? 'event' : 'events'} seen by this instance, oldest first.
Steps served by other instances are not here.</p>
<ol class="items" id="flow-events">${events.map(renderEvent)}</ol>`,
  });
}
