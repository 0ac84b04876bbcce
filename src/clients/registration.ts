// Client registration service: create, update, rotate the secret of, delete and read clients; used by the CLI and admin API.
import type { Clock } from '../clock.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { ClientRecord, ClientUpdate } from '../store/records.js';
import { DuplicateError, type Store } from '../store/store.js';
import { hashOpaqueValue } from '../tokens/opaque.js';
import { checkedClientId, generateClientId, secretChosenOrGenerated } from './client-credentials.js';
import { ClientNameTaken, ClientNotFound, ClientOperationRefused } from './errors.js';
import { validateClientMetadata, type ClientMetadata, type ClientMetadataInput } from './metadata.js';

export interface ClientRegistrationDeps {
  readonly store: Store;
  readonly events: EventBus;
  /** Who acts: `{ actor: 'cli:<user>' }` for the CLI, the request context for an admin API. */
  readonly context: EventContext;
  /** Seconds the previous secret keeps working after a rotation (`clientSecretGracePeriod`). */
  readonly clientSecretGracePeriod: number;
  readonly clock: Clock;
}

/** A client as it may be shown: never its secret nor the secret's hash. */
export type ClientView = Omit<ClientRecord, 'secretHash' | 'previousSecretHash'>;

export interface ClientWithSecret {
  readonly client: ClientView;
  /** The plain secret, returned this once and never stored; null for a public client. */
  readonly clientSecret: string | null;
}

export interface RotatedSecret {
  readonly client: ClientView;
  readonly clientSecret: string;
  /** Epoch seconds until which the previous secret is still accepted. */
  readonly previousSecretValidUntil: number;
}

/** What an operator chooses instead of generated values (`clients apply`); each is checked before use. */
export interface ChosenCredentials {
  readonly clientId?: string | undefined;
  readonly clientSecret?: string | undefined;
}

/** Copies an allow-list of fields, so a field added to the record later is not shown until chosen. */
export function toClientView(record: ClientRecord): ClientView {
  return {
    clientId: record.clientId,
    clientName: record.clientName,
    clientType: record.clientType,
    tokenEndpointAuthMethod: record.tokenEndpointAuthMethod,
    redirectUris: record.redirectUris,
    postLogoutRedirectUris: record.postLogoutRedirectUris,
    grantTypes: record.grantTypes,
    scope: record.scope,
    firstParty: record.firstParty,
    idTokenSignedResponseAlg: record.idTokenSignedResponseAlg,
    jwks: record.jwks,
    jwksUri: record.jwksUri,
    backchannelLogoutUri: record.backchannelLogoutUri,
    requirePushedAuthorizationRequests: record.requirePushedAuthorizationRequests,
    dpopBoundAccessTokens: record.dpopBoundAccessTokens,
    previousSecretExpiresAt: record.previousSecretExpiresAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export class ClientRegistrationService {
  private readonly now: Clock;

  constructor(private readonly deps: ClientRegistrationDeps) {
    this.now = deps.clock;
  }

  /** @throws InvalidClientMetadata, ClientNameTaken */
  async create(input: ClientMetadataInput, chosen: ChosenCredentials = {}): Promise<ClientWithSecret> {
    const metadata = validateClientMetadata(input);
    const clientSecret = hasSecret(metadata) ? secretChosenOrGenerated(chosen.clientSecret) : null;
    const now = this.now();
    const record: ClientRecord = {
      ...metadata,
      clientId: chosen.clientId === undefined ? generateClientId() : checkedClientId(chosen.clientId),
      secretHash: clientSecret === null ? null : hashOpaqueValue(clientSecret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.translateDuplicate(metadata.clientName, () => this.deps.store.clients.create(record));
    this.deps.events.emit({ type: 'client.created', clientId: record.clientId }, this.deps.context);
    return { client: toClientView(record), clientSecret };
  }

  /**
   * Changes the given fields; the result must pass the same policy as a new client. The client type is fixed.
   * @throws ClientNotFound, InvalidClientMetadata, ClientNameTaken
   */
  async update(clientId: string, changes: Omit<ClientMetadataInput, 'clientType'>, chosen: Pick<ChosenCredentials, 'clientSecret'> = {}): Promise<ClientWithSecret> {
    const existing = await this.findRecord(clientId);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const merged = validateClientMetadata({ ...existing, ...defined, ...keysAfter(changes), clientType: existing.clientType });
    const update = changedFields(existing, merged);
    const fields = Object.keys(update).map(toMetadataName);
    if (fields.length === 0) return { client: toClientView(existing), clientSecret: null };
    const { secrets, clientSecret } = secretsAfterUpdate(existing, merged, chosen.clientSecret);
    const updated = await this.translateDuplicate(merged.clientName, () =>
      this.deps.store.clients.update(clientId, { ...update, ...secrets }, this.now()),
    );
    if (updated === undefined) throw new ClientNotFound(clientId);
    this.deps.events.emit({ type: 'client.updated', clientId, fields }, this.deps.context);
    return { client: toClientView(updated), clientSecret };
  }

  /** A new secret, generated or `chosenSecret`. @throws ClientNotFound, ClientOperationRefused for a public client, InvalidClientMetadata */
  async rotateSecret(clientId: string, chosenSecret?: string): Promise<RotatedSecret> {
    const existing = await this.findRecord(clientId);
    if (existing.clientType === 'public') throw new ClientOperationRefused(`client "${clientId}" is public and has no secret`);
    if (!hasSecret(existing)) throw new ClientOperationRefused(`client "${clientId}" authenticates with private_key_jwt and has no secret`);
    const clientSecret = secretChosenOrGenerated(chosenSecret);
    const now = this.now();
    const previousSecretValidUntil = now + this.deps.clientSecretGracePeriod;
    const rotated = await this.deps.store.clients.rotateSecret(clientId, hashOpaqueValue(clientSecret), previousSecretValidUntil, now);
    if (rotated === undefined) throw new ClientNotFound(clientId);
    this.deps.events.emit({ type: 'client.secret_rotated', clientId, previousValidUntil: previousSecretValidUntil }, this.deps.context);
    return { client: toClientView(rotated), clientSecret, previousSecretValidUntil };
  }

  /** Deletes the client and everything issued to it. @throws ClientNotFound */
  async delete(clientId: string): Promise<void> {
    if (!(await this.deps.store.clients.delete(clientId))) throw new ClientNotFound(clientId);
    this.deps.events.emit({ type: 'client.deleted', clientId }, this.deps.context);
  }

  async list(): Promise<readonly ClientView[]> {
    return (await this.deps.store.clients.list()).map(toClientView);
  }

  /** @throws ClientNotFound */
  async show(clientId: string): Promise<ClientView> {
    return toClientView(await this.findRecord(clientId));
  }

  private async findRecord(clientId: string): Promise<ClientRecord> {
    const record = await this.deps.store.clients.findById(clientId);
    if (record === undefined) throw new ClientNotFound(clientId);
    return record;
  }

  private async translateDuplicate<T>(clientName: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof DuplicateError && error.field === 'client_name') throw new ClientNameTaken(clientName);
      throw error;
    }
  }
}

/**
 * What an update does to the secrets. A client moving to private_key_jwt gives them up, so switching back later never
 * revives one it had; a client moving to a secret method without one gets a new secret, returned to be shown once.
 */
function secretsAfterUpdate(existing: ClientRecord, merged: ClientMetadata, chosenSecret: string | undefined): { secrets: ClientUpdate; clientSecret: string | null } {
  if (!hasSecret(merged)) {
    const secrets = existing.secretHash === null ? {} : { secretHash: null, previousSecretHash: null, previousSecretExpiresAt: null };
    return { secrets, clientSecret: null };
  }
  if (existing.secretHash !== null) return { secrets: {}, clientSecret: null };
  const clientSecret = secretChosenOrGenerated(chosenSecret);
  return { secrets: { secretHash: hashOpaqueValue(clientSecret) }, clientSecret };
}

/** Confidential clients authenticate with a secret, except private_key_jwt ones, which sign with their own keys. */
export function hasSecret(client: Pick<ClientMetadata, 'clientType' | 'tokenEndpointAuthMethod'>): boolean {
  return client.clientType === 'confidential' && client.tokenEndpointAuthMethod !== 'private_key_jwt';
}

/**
 * The key fields an update leaves: a new `jwks` replaces a `jwks_uri` and the other way round, and a change to a
 * method other than private_key_jwt drops the keys; otherwise the stored ones stay (undefined: not overridden).
 */
function keysAfter(changes: Omit<ClientMetadataInput, 'clientType'>): Pick<ClientMetadataInput, 'jwks' | 'jwksUri'> {
  if (changes.jwks !== undefined || changes.jwksUri !== undefined) return { jwks: changes.jwks ?? null, jwksUri: changes.jwksUri ?? null };
  if (changes.tokenEndpointAuthMethod !== undefined && changes.tokenEndpointAuthMethod !== 'private_key_jwt') return { jwks: null, jwksUri: null };
  return {};
}

/** `redirectUris` -> `redirect_uris`: events and audit speak RFC 7591 names. */
function toMetadataName(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function changedFields(existing: ClientRecord, merged: ClientMetadata): ClientUpdate {
  const update: Record<string, unknown> = {};
  for (const key of Object.keys(merged) as (keyof ClientMetadata)[]) {
    if (key === 'clientType') continue;
    if (JSON.stringify(existing[key]) !== JSON.stringify(merged[key])) update[key] = merged[key];
  }
  return update;
}
