// API registration service: create, change, delete and read APIs, and allow clients to use them; used by the CLI.
import { ClientNotFound, ClientOperationRefused } from '../clients/errors.js';
import type { Clock } from '../clock.js';
import type { EventBus, EventContext } from '../observability/events.js';
import { parseScope } from '../protocol/scope.js';
import type { ApiRecord, ApiUpdate, ClientApiAccess } from '../store/records.js';
import { DuplicateError, type Store } from '../store/store.js';
import { ApiIdentifierTaken, ApiNotFound, InvalidApiMetadata } from './errors.js';
import { validateApiMetadata, type ApiMetadata, type ApiMetadataInput } from './metadata.js';

export interface ApiRegistrationDeps {
  readonly store: Store;
  readonly events: EventBus;
  /** Who acts: `{ actor: 'cli:<user>' }` for the CLI. */
  readonly context: EventContext;
  readonly clock: Clock;
  /** The issuer, which no API may take as its identifier. */
  readonly issuer: string;
}

/** `accessTokenTtl` -> `access_token_ttl`: events and audit speak snake_case like the rest. */
const toFieldName = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

export class ApiRegistrationService {
  constructor(private readonly deps: ApiRegistrationDeps) {}

  /** @throws InvalidApiMetadata, ApiIdentifierTaken */
  async create(input: ApiMetadataInput): Promise<ApiRecord> {
    const metadata = validateApiMetadata(input, this.deps.issuer);
    await this.checkClientsExist(metadata.resourceServerClientIds);
    const now = this.deps.clock();
    const record: ApiRecord = { ...metadata, createdAt: now, updatedAt: now };
    try {
      await this.deps.store.apis.create(record);
    } catch (error) {
      if (error instanceof DuplicateError && error.field === 'identifier') throw new ApiIdentifierTaken(record.identifier);
      throw error;
    }
    this.deps.events.emit({ type: 'api.created', identifier: record.identifier }, this.deps.context);
    return record;
  }

  /** Changes the given fields (scopes and resource servers are replaced as a whole). @throws ApiNotFound, InvalidApiMetadata */
  async update(identifier: string, changes: Omit<ApiMetadataInput, 'identifier'>): Promise<ApiRecord> {
    const existing = await this.show(identifier);
    const current: ApiMetadataInput = { ...existing, scopes: existing.scopes.map((scope) => `${scope.name}=${scope.description}`) };
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const merged = validateApiMetadata({ ...current, ...defined, identifier }, this.deps.issuer);
    await this.checkClientsExist(merged.resourceServerClientIds);
    const update = changedFields(existing, merged);
    const fields = Object.keys(update).map(toFieldName);
    if (fields.length === 0) return existing;
    const updated = await this.deps.store.apis.update(identifier, update, this.deps.clock());
    if (updated === undefined) throw new ApiNotFound(identifier);
    this.deps.events.emit({ type: 'api.updated', identifier, fields }, this.deps.context);
    return updated;
  }

  /** Deletes the API and every client's access to it. @throws ApiNotFound */
  async delete(identifier: string): Promise<void> {
    if (!(await this.deps.store.apis.delete(identifier))) throw new ApiNotFound(identifier);
    this.deps.events.emit({ type: 'api.deleted', identifier }, this.deps.context);
  }

  list(): Promise<readonly ApiRecord[]> {
    return this.deps.store.apis.list();
  }

  /** @throws ApiNotFound */
  async show(identifier: string): Promise<ApiRecord> {
    const api = await this.deps.store.apis.findByIdentifier(identifier);
    if (api === undefined) throw new ApiNotFound(identifier);
    return api;
  }

  /**
   * Allows a client to request tokens for an API with `scopes` (all the API defines when none are given), replacing
   * an earlier allowance. @throws ClientNotFound, ApiNotFound, InvalidApiMetadata for a scope the API does not define
   */
  async allowClient(clientId: string, identifier: string, scopes: readonly string[]): Promise<readonly ClientApiAccess[]> {
    await this.checkClientsExist([clientId]);
    const api = await this.show(identifier);
    const defined = api.scopes.map((scope) => scope.name);
    const requested = scopes.length === 0 ? defined : parseScope(scopes.join(' '));
    const unknown = requested.find((scope) => !defined.includes(scope));
    if (unknown !== undefined) throw new InvalidApiMetadata('scopes', `"${unknown}" is not a scope of ${identifier}`);
    const scope = requested.join(' ');
    await this.deps.store.apis.allowClient(clientId, identifier, scope, this.deps.clock());
    this.deps.events.emit({ type: 'api.client_allowed', identifier, clientId, scope }, this.deps.context);
    return this.deps.store.apis.listForClient(clientId);
  }

  /**
   * Withdraws a client's access to an API; tokens already issued run out on their own.
   * @throws ClientNotFound, ClientOperationRefused when the client had no access to it
   */
  async disallowClient(clientId: string, identifier: string): Promise<readonly ClientApiAccess[]> {
    await this.checkClientsExist([clientId]);
    if (!(await this.deps.store.apis.disallowClient(clientId, identifier))) {
      throw new ClientOperationRefused(`client "${clientId}" is not allowed the API "${identifier}"`);
    }
    this.deps.events.emit({ type: 'api.client_disallowed', identifier, clientId }, this.deps.context);
    return this.deps.store.apis.listForClient(clientId);
  }

  /** @throws ClientNotFound */
  async listForClient(clientId: string): Promise<readonly ClientApiAccess[]> {
    await this.checkClientsExist([clientId]);
    return this.deps.store.apis.listForClient(clientId);
  }

  private async checkClientsExist(clientIds: readonly string[]): Promise<void> {
    for (const clientId of clientIds) {
      if ((await this.deps.store.clients.findById(clientId)) === undefined) throw new ClientNotFound(clientId);
    }
  }
}

function changedFields(existing: ApiRecord, merged: ApiMetadata): ApiUpdate {
  const update: Record<string, unknown> = {};
  for (const key of ['name', 'scopes', 'accessTokenTtl', 'resourceServerClientIds'] as const) {
    if (JSON.stringify(existing[key]) !== JSON.stringify(merged[key])) update[key] = merged[key];
  }
  return update;
}
