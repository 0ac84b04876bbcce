// Flow ids: one random id per authorization, so a person's whole login (authorize, login, consent, code, token
// exchange) is found in the logs and the audit trail by one query.
import { randomUUID } from 'node:crypto';

/** A new flow id, minted when an authorization starts (/authorize, or a device's authorization request). */
export function mintFlowId(): string {
  return randomUUID();
}

/**
 * Joins the current request to a flow (null: the stored record predates flow ids) of the client `clientId` when the
 * step knows it: the request's events carry the flow id from then on, and its log line and span both.
 */
export type JoinFlow = (flowId: string | null, clientId?: string) => void;

/** Names the registered client the current request is for (its log line and span), without joining any flow. */
export type IdentifyClient = (clientId: string) => void;
