// The apis, api_resource_servers and client_apis tables: registered APIs and which clients may use each.
import type { ApiRecord, ApiScope, ApiUpdate, ClientApiAccess } from '../records.js';
import type { ApiRepository } from '../store.js';
import type { ApisTable } from './database.js';
import { prepareQuery, type Param } from './prepared-query.js';
import { inTransaction, type Db } from './transaction.js';

function parseScopes(text: string): ApiScope[] {
  const value: unknown = JSON.parse(text);
  const isScope = (item: unknown): item is ApiScope =>
    typeof item === 'object' && item !== null && typeof (item as ApiScope).name === 'string' && typeof (item as ApiScope).description === 'string';
  if (!Array.isArray(value) || !value.every(isScope)) throw new TypeError('stored API scopes are not a JSON array of { name, description }');
  return value.map(({ name, description }) => ({ name, description }));
}

function rowToApi(row: ApisTable, resourceServerClientIds: readonly string[]): ApiRecord {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: parseScopes(row.scopes),
    accessTokenTtl: row.access_token_ttl,
    resourceServerClientIds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function updateToRow(changes: ApiUpdate): Partial<ApisTable> {
  const row: Partial<ApisTable> = {};
  if (changes.name !== undefined) row.name = changes.name;
  if (changes.scopes !== undefined) row.scopes = JSON.stringify(changes.scopes);
  if (changes.accessTokenTtl !== undefined) row.access_token_ttl = changes.accessTokenTtl;
  return row;
}

// Every token request with a client's APIs in play starts here; the APIs themselves are a variable-length list, built per call.
const findAllowances = prepareQuery((db, param: Param<{ clientId: string }>) =>
  db.selectFrom('client_apis').select(['api_identifier', 'scope']).where('client_id', '=', param('clientId')).orderBy('api_identifier'),
);

export class KyselyApiRepository implements ApiRepository {
  constructor(private readonly db: Db) {}

  async create(api: ApiRecord): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      await trx
        .insertInto('apis')
        .values({
          identifier: api.identifier,
          name: api.name,
          scopes: JSON.stringify(api.scopes),
          access_token_ttl: api.accessTokenTtl,
          created_at: api.createdAt,
          updated_at: api.updatedAt,
        })
        .execute();
      await this.replaceResourceServers(trx, api.identifier, api.resourceServerClientIds);
    });
  }

  async findByIdentifier(identifier: string): Promise<ApiRecord | undefined> {
    return (await this.load(this.db, [identifier]))[0];
  }

  async list(): Promise<readonly ApiRecord[]> {
    return this.load(this.db, undefined);
  }

  async update(identifier: string, changes: ApiUpdate, now: number): Promise<ApiRecord | undefined> {
    return inTransaction(this.db, async (trx) => {
      const updated = await trx
        .updateTable('apis')
        .set({ ...updateToRow(changes), updated_at: now })
        .where('identifier', '=', identifier)
        .returning('identifier')
        .executeTakeFirst();
      if (updated === undefined) return undefined;
      if (changes.resourceServerClientIds !== undefined) await this.replaceResourceServers(trx, identifier, changes.resourceServerClientIds);
      return (await this.load(trx, [identifier]))[0];
    });
  }

  async delete(identifier: string): Promise<boolean> {
    // Client access and resource servers go with it through ON DELETE CASCADE.
    const result = await this.db.deleteFrom('apis').where('identifier', '=', identifier).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async allowClient(clientId: string, identifier: string, scope: string, now: number): Promise<void> {
    await this.db
      .insertInto('client_apis')
      .values({ client_id: clientId, api_identifier: identifier, scope, created_at: now })
      .onConflict((conflict) => conflict.columns(['client_id', 'api_identifier']).doUpdateSet({ scope }))
      .execute();
  }

  async disallowClient(clientId: string, identifier: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('client_apis')
      .where('client_id', '=', clientId)
      .where('api_identifier', '=', identifier)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listForClient(clientId: string): Promise<readonly ClientApiAccess[]> {
    const allowances = await findAllowances.execute(this.db, { clientId });
    if (allowances.length === 0) return [];
    const apis = new Map((await this.load(this.db, allowances.map((row) => row.api_identifier))).map((api) => [api.identifier, api]));
    return allowances.flatMap((row) => {
      const api = apis.get(row.api_identifier);
      return api === undefined ? [] : [{ clientId, api, scope: row.scope }];
    });
  }

  /** APIs by identifier (all when `identifiers` is undefined) with their resource servers: two queries, ordered by identifier. */
  private async load(db: Db, identifiers: readonly string[] | undefined): Promise<ApiRecord[]> {
    if (identifiers?.length === 0) return [];
    let apis = db.selectFrom('apis').selectAll().orderBy('identifier');
    let servers = db.selectFrom('api_resource_servers').select(['api_identifier', 'client_id']).orderBy('client_id');
    if (identifiers !== undefined) {
      apis = apis.where('identifier', 'in', identifiers);
      servers = servers.where('api_identifier', 'in', identifiers);
    }
    const [apiRows, serverRows] = await Promise.all([apis.execute(), servers.execute()]);
    return apiRows.map((row) =>
      rowToApi(row, serverRows.filter((server) => server.api_identifier === row.identifier).map((server) => server.client_id)),
    );
  }

  private async replaceResourceServers(trx: Db, identifier: string, clientIds: readonly string[]): Promise<void> {
    await trx.deleteFrom('api_resource_servers').where('api_identifier', '=', identifier).execute();
    if (clientIds.length === 0) return;
    await trx
      .insertInto('api_resource_servers')
      .values([...new Set(clientIds)].map((clientId) => ({ api_identifier: identifier, client_id: clientId })))
      .execute();
  }
}
