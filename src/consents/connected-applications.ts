// The applications a person has allowed: each consent with its client's registered name and its scopes in plain words.
import { unqualify } from '../apis/consent-scope.js';
import { parseScope } from '../protocol/scope.js';
import type { ApiRecord, ConsentRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

export interface ConsentDeps {
  readonly store: Pick<Store, 'consents' | 'clients' | 'apis'>;
  /** The configured scope descriptions (`scopes`), as the consent page shows them. */
  readonly scopeDescriptions: Readonly<Record<string, string>>;
}

/** One client the person consented to, as the account page and `gatehouse consents list` show it. */
export interface ConnectedApplication {
  readonly clientId: string;
  /** As registered; escaped like every value on a page. */
  readonly clientName: string;
  /** The consented scope as stored (API scopes as `<identifier>#<scope>`). */
  readonly scope: string;
  /** One plain-words line per consented scope, worded as the consent page words it. */
  readonly scopeDescriptions: readonly string[];
  readonly grantedAt: number;
  /** The last token issued or refreshed for it; null when none since the consent was recorded. */
  readonly lastUsedAt: number | null;
}

/** The user's consents, oldest first, with their clients' names; `clientId` narrows to one client. */
export async function listConnectedApplications(deps: ConsentDeps, userId: string, clientId?: string): Promise<ConnectedApplication[]> {
  const consents = (await deps.store.consents.listForUser(userId)).filter((consent) => clientId === undefined || consent.clientId === clientId);
  const apis = new Map<string, Promise<ApiRecord | undefined>>();
  const findApi = (identifier: string) => apis.get(identifier) ?? apis.set(identifier, deps.store.apis.findByIdentifier(identifier)).get(identifier)!;
  const applications = await Promise.all(consents.map((consent) => describeConsent(deps, consent, findApi)));
  return applications.filter((application) => application !== undefined);
}

async function describeConsent(
  deps: ConsentDeps,
  consent: ConsentRecord,
  findApi: (identifier: string) => Promise<ApiRecord | undefined>,
): Promise<ConnectedApplication | undefined> {
  const client = await deps.store.clients.findById(consent.clientId);
  // Deleting a client deletes its consents; one deleted meanwhile is simply not listed.
  if (client === undefined) return undefined;
  const scopeDescriptions = await Promise.all(parseScope(consent.scope).map((scope) => describeScope(deps, scope, findApi)));
  return {
    clientId: client.clientId,
    clientName: client.clientName,
    scope: consent.scope,
    scopeDescriptions,
    grantedAt: consent.createdAt,
    lastUsedAt: consent.lastUsedAt,
  };
}

/** "API name: its description" for an API scope (its identifier when the API is gone), else the configured description, else the name. */
async function describeScope(deps: ConsentDeps, scope: string, findApi: (identifier: string) => Promise<ApiRecord | undefined>): Promise<string> {
  const qualified = unqualify(scope);
  if (qualified === undefined) return deps.scopeDescriptions[scope] ?? scope;
  const api = await findApi(qualified.identifier);
  if (api === undefined) return `${qualified.identifier}: ${qualified.scope}`;
  return `${api.name}: ${api.scopes.find((defined) => defined.name === qualified.scope)?.description ?? qualified.scope}`;
}
