// RP-Initiated Logout 1.0 §2-§3: reads and validates a logout request's id_token_hint, client_id, post_logout_redirect_uri and state.
import type { ClientLookup } from '../clients/lookup.js';
import { InvalidLogoutRequest } from '../errors/oauth-errors.js';
import type { Parameters } from '../protocol/parameters.js';
import type { ClientRecord } from '../store/records.js';
import type { IdTokenHint, IdTokenHintVerifier } from '../tokens/id-token-hint.js';

export interface EndSessionRequestDeps {
  readonly clients: Pick<ClientLookup, 'find'>;
  readonly hints: Pick<IdTokenHintVerifier, 'verify'>;
}

/** A validated logout request: every field is either absent or checked. */
export interface EndSessionRequest {
  /** The client asking, from `client_id` or the hint's `aud`; undefined when neither was sent. */
  readonly client: ClientRecord | undefined;
  /** One of the client's registered post-logout redirect URIs, byte for byte. */
  readonly postLogoutRedirectUri: string | undefined;
  /** Returned on the redirect exactly as sent (§3); meaningless without a redirect. */
  readonly state: string | undefined;
  readonly hint: IdTokenHint | undefined;
}

const refuse = (description: string) => new InvalidLogoutRequest({ description });

/**
 * Validates the parameters of a logout request. `ui_locales` and `logout_hint` are accepted and ignored (§2: optional).
 * @throws InvalidLogoutRequest for a bad hint, an unknown or mismatched client, or an unregistered redirect URI.
 */
export async function readEndSessionRequest(deps: EndSessionRequestDeps, parameters: Parameters): Promise<EndSessionRequest> {
  const hint = await readHint(deps, parameters.get('id_token_hint'));
  const client = await readClient(deps, parameters.get('client_id'), hint);
  const postLogoutRedirectUri = parameters.get('post_logout_redirect_uri');
  if (postLogoutRedirectUri !== undefined) {
    // §3: the URI must have been registered by the client, so the client must be known.
    if (client === undefined) throw refuse('This sign-out request asks to return to an application without saying which (client_id or id_token_hint).');
    // §3: compared byte for byte with the registered values (SECURITY.md: no normalisation).
    if (!client.postLogoutRedirectUris.includes(postLogoutRedirectUri)) {
      throw refuse('This sign-out request asks to return to an address the application did not register.');
    }
  }
  return { client, postLogoutRedirectUri, state: parameters.get('state'), hint };
}

async function readHint(deps: EndSessionRequestDeps, token: string | undefined): Promise<IdTokenHint | undefined> {
  if (token === undefined) return undefined;
  // §2: the hint must be an ID token this OP issued; expired ones are fine, forged or foreign ones are not.
  const hint = await deps.hints.verify(token);
  if (hint === undefined) throw refuse('This sign-out request carries an ID token hint this service did not issue.');
  return hint;
}

async function readClient(deps: EndSessionRequestDeps, clientId: string | undefined, hint: IdTokenHint | undefined): Promise<ClientRecord | undefined> {
  // §2: with both, client_id must be the client the hint was issued to.
  if (clientId !== undefined && hint !== undefined && !hint.audience.includes(clientId)) {
    throw refuse('This sign-out request names an application other than the one its ID token hint was issued to.');
  }
  const id = clientId ?? (hint?.audience.length === 1 ? hint.audience[0] : undefined);
  if (id === undefined) return undefined;
  const client = await deps.clients.find(id);
  if (client === undefined) throw refuse('This sign-out request names an application this service does not know.');
  return client;
}
