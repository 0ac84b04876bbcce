// Domain events as metric increments: what flows emit becomes the catalogue's counters, with bounded labels only.
import { grantTypeOrOther as grantTypeLabel } from '../store/records.js';
import type { ClientLabels } from './client-labels.js';
import { SECURITY_EVENT_TYPES, type GatehouseEvent } from './events.js';
import type { MetricCatalogue } from './metric-catalogue.js';

const REFRESH_FAILURE_REASONS: ReadonlySet<string> = new Set(['expired', 'revoked', 'reused', 'unknown', 'wrong_client', 'scope', 'dpop']);

const LOGIN_OUTCOMES = { 'login.succeeded': 'success', 'login.failed': 'bad_credentials', 'login.throttled': 'throttled' } as const;

/** What the subscriber needs: the metrics, the label cap, and the time (for session lengths). */
export interface EventMetrics {
  readonly catalogue: MetricCatalogue;
  readonly clients: ClientLabels;
  readonly now: () => number;
}

type Of<T extends GatehouseEvent['type']> = Extract<GatehouseEvent, { type: T }>;

function countAuthorizationFailure({ catalogue, clients }: EventMetrics, event: Of<'authorization.failed'>): void {
  const client_id = clients.of(event.clientId);
  if (event.endpoint === 'authorize') catalogue.authorizationErrors.inc({ client_id, error: event.error, reason: event.reason });
  if (event.reason === 'redirect_uri') catalogue.redirectUriRejections.inc({ client_id });
  if (event.reason === 'pkce') catalogue.pkceFailures.inc({ stage: 'authorize' });
}

function countTokenFailure({ catalogue, clients }: EventMetrics, event: Of<'token.failed'>): void {
  const client_id = clients.of(event.clientId);
  const grant_type = grantTypeLabel(event.grantType);
  catalogue.tokenRequests.inc({ grant_type, client_id, error: event.error });
  if (event.reason === 'pkce') catalogue.pkceFailures.inc({ stage: 'token' });
  // A refresh failure is the refresh grant refusing its token; a nonce to retry with (RFC 9449 §8) is none.
  if (grant_type !== 'refresh_token' || !event.refusedByGrant || event.error === 'use_dpop_nonce') return;
  const reason = event.reason !== null && REFRESH_FAILURE_REASONS.has(event.reason) ? event.reason : 'other';
  catalogue.refreshFailures.inc({ client_id, reason });
}

/** Each attempt once: the failure that brings a lock is bad_credentials; throttled are the attempts refused unchecked. */
function countLoginAttempt({ catalogue, clients }: EventMetrics, event: Of<'login.succeeded' | 'login.failed' | 'login.throttled'>): void {
  if (event.type === 'login.throttled' && event.passwordChecked) return;
  catalogue.loginAttempts.inc({ client_id: clients.of(event.clientId), outcome: LOGIN_OUTCOMES[event.type] });
}

/** The kind label of gatehouse_token_reuse_detections_total, by the events that count it. */
const REUSE_KINDS = { 'code.replayed': 'authorization_code', 'code.replayed_by_other_client': 'authorization_code', 'refresh_token.reused': 'refresh_token' } as const;
/** The stage label of gatehouse_pkce_failures_total. */
const PKCE_STAGES = ['authorize', 'token'] as const;

/**
 * Creates every series with a fixed label set at 0. An alert on `increase(...) > 0` then sees the first event as a
 * rise from 0; without it a series is born at 1 and shows no increase, and working around that (`x unless x offset`)
 * mistakes every counter for new after a scrape gap.
 */
export function startAtZero(catalogue: MetricCatalogue): void {
  for (const kind of new Set(Object.values(REUSE_KINDS))) catalogue.tokenReuseDetections.inc({ kind }, 0);
  for (const type of SECURITY_EVENT_TYPES) catalogue.securityEvents.inc({ type }, 0);
  for (const stage of PKCE_STAGES) catalogue.pkceFailures.inc({ stage }, 0);
}

/** Counts one event; most events feed no metric. */
export function countEvent(metrics: EventMetrics, event: GatehouseEvent): void {
  const { catalogue, clients } = metrics;
  if (SECURITY_EVENT_TYPES.has(event.type)) catalogue.securityEvents.inc({ type: event.type });
  switch (event.type) {
    case 'authorization.requested':
      return void catalogue.authorizationRequests.inc({ client_id: clients.of(event.clientId) });
    case 'authorization.failed':
      return countAuthorizationFailure(metrics, event);
    case 'code.issued':
      return void catalogue.authorizationCodesIssued.inc({ client_id: clients.of(event.clientId) });
    case 'token.issued':
      return void catalogue.tokenRequests.inc({ grant_type: grantTypeLabel(event.grantType), client_id: clients.of(event.clientId), error: 'none' });
    // A benign retry inside the refresh retry window is answered like the first rotation: a success.
    case 'refresh_token.retried':
      return void catalogue.tokenRequests.inc({ grant_type: 'refresh_token', client_id: clients.of(event.clientId), error: 'none' });
    case 'token.failed':
      return countTokenFailure(metrics, event);
    case 'code.replayed':
    case 'code.replayed_by_other_client':
    case 'refresh_token.reused':
      return void catalogue.tokenReuseDetections.inc({ kind: REUSE_KINDS[event.type] });
    case 'login.succeeded':
    case 'login.failed':
    case 'login.throttled':
      return countLoginAttempt(metrics, event);
    case 'consent.granted':
    case 'consent.denied':
      return void catalogue.consentDecisions.inc({ client_id: clients.of(event.clientId), decision: event.type === 'consent.granted' ? 'allow' : 'deny' });
    // Deny on the device confirmation page is the person's consent decision too (an approval emits consent.granted).
    case 'device_authorization.denied':
      return void catalogue.consentDecisions.inc({ client_id: clients.of(event.clientId), decision: 'deny' });
    case 'session.ended':
      return void catalogue.sessionDuration.observe({ ended_by: event.endedBy }, Math.max(0, metrics.now() - event.startedAt));
    default:
      return undefined;
  }
}
