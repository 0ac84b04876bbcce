// Who may learn what a token says (RFC 7662 §4): the one place that decides it.
import type { ClientRecord } from '../store/records.js';

/** The facts about a token that decide who may introspect it. */
export interface IntrospectionSubject {
  /** The client the token was issued to. */
  readonly clientId: string;
  /** Whom the token is meant for (its `aud`); empty for a refresh token, which only Gatehouse accepts. */
  readonly audience: readonly string[];
  /** The clients registered as resource servers of the APIs in `audience` (`gatehouse apis --resource-server-client`). */
  readonly resourceServerClientIds: readonly string[];
}

/**
 * Whether `caller`, an authenticated confidential client, may see what `token` says. RFC 7662 §4: the server decides
 * which callers may learn about which tokens, lest a client scan for others' tokens. A client sees its own tokens, and an
 * API's resource server sees the tokens meant for that API.
 */
export function mayIntrospect(caller: Pick<ClientRecord, 'clientId'>, token: IntrospectionSubject): boolean {
  return token.clientId === caller.clientId || token.resourceServerClientIds.includes(caller.clientId);
}
