// The clients table: registration records, unique names, secret rotation and deletion with everything issued.
import { sql, type SqlBool } from 'kysely';
import type { ClientRecord, ClientUpdate, GrantType, JsonWebKeySet } from '../records.js';
import type { ClientRepository, Store } from '../store.js';
import type { ClientsTable } from './database.js';
import { parseStringList } from './json-columns.js';
import { prepareQuery, type Param } from './prepared-query.js';
import type { Db } from './transaction.js';

function clientToRow(client: ClientRecord): ClientsTable {
  return {
    client_id: client.clientId,
    client_name: client.clientName,
    client_type: client.clientType,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    redirect_uris: JSON.stringify(client.redirectUris),
    post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
    grant_types: JSON.stringify(client.grantTypes),
    scope: client.scope,
    first_party: client.firstParty ? 1 : 0,
    id_token_signed_response_alg: client.idTokenSignedResponseAlg,
    backchannel_logout_uri: client.backchannelLogoutUri,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests ? 1 : 0,
    secret_hash: client.secretHash,
    previous_secret_hash: client.previousSecretHash,
    previous_secret_expires_at: client.previousSecretExpiresAt,
    jwks: client.jwks === null ? null : JSON.stringify(client.jwks),
    jwks_uri: client.jwksUri,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens ? 1 : 0,
    created_at: client.createdAt,
    updated_at: client.updatedAt,
  };
}

function rowToClient(row: ClientsTable): ClientRecord {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    clientType: row.client_type,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    redirectUris: parseStringList(row.redirect_uris),
    postLogoutRedirectUris: parseStringList(row.post_logout_redirect_uris),
    grantTypes: parseStringList(row.grant_types) as GrantType[],
    scope: row.scope,
    firstParty: row.first_party === 1,
    idTokenSignedResponseAlg: row.id_token_signed_response_alg,
    backchannelLogoutUri: row.backchannel_logout_uri,
    requirePushedAuthorizationRequests: row.require_pushed_authorization_requests === 1,
    secretHash: row.secret_hash,
    previousSecretHash: row.previous_secret_hash,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    jwks: row.jwks === null ? null : (JSON.parse(row.jwks) as JsonWebKeySet),
    jwksUri: row.jwks_uri,
    dpopBoundAccessTokens: row.dpop_bound_access_tokens === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function updateToRow(changes: ClientUpdate): Partial<ClientsTable> {
  const row: Partial<ClientsTable> = {};
  if (changes.clientName !== undefined) row.client_name = changes.clientName;
  if (changes.redirectUris !== undefined) row.redirect_uris = JSON.stringify(changes.redirectUris);
  if (changes.postLogoutRedirectUris !== undefined) row.post_logout_redirect_uris = JSON.stringify(changes.postLogoutRedirectUris);
  if (changes.grantTypes !== undefined) row.grant_types = JSON.stringify(changes.grantTypes);
  if (changes.scope !== undefined) row.scope = changes.scope;
  if (changes.firstParty !== undefined) row.first_party = changes.firstParty ? 1 : 0;
  if (changes.tokenEndpointAuthMethod !== undefined) row.token_endpoint_auth_method = changes.tokenEndpointAuthMethod;
  if (changes.idTokenSignedResponseAlg !== undefined) row.id_token_signed_response_alg = changes.idTokenSignedResponseAlg;
  if (changes.jwks !== undefined) row.jwks = changes.jwks === null ? null : JSON.stringify(changes.jwks);
  if (changes.jwksUri !== undefined) row.jwks_uri = changes.jwksUri;
  if (changes.secretHash !== undefined) row.secret_hash = changes.secretHash;
  if (changes.previousSecretHash === null) row.previous_secret_hash = null;
  if (changes.previousSecretExpiresAt === null) row.previous_secret_expires_at = null;
  if (changes.backchannelLogoutUri !== undefined) row.backchannel_logout_uri = changes.backchannelLogoutUri;
  if (changes.requirePushedAuthorizationRequests !== undefined) {
    row.require_pushed_authorization_requests = changes.requirePushedAuthorizationRequests ? 1 : 0;
  }
  if (changes.dpopBoundAccessTokens !== undefined) row.dpop_bound_access_tokens = changes.dpopBoundAccessTokens ? 1 : 0;
  return row;
}

// Introspection and the back-channel deliverer look clients up here directly, past the endpoints' cache (clients/lookup.ts).
const findClientById = prepareQuery((db, param: Param<{ clientId: string }>) =>
  db.selectFrom('clients').selectAll().where('client_id', '=', param('clientId')),
);

export class KyselyClientRepository implements ClientRepository {
  constructor(
    private readonly db: Db,
    private readonly engine: Store['engine'],
  ) {}

  async create(client: ClientRecord): Promise<void> {
    await this.db.insertInto('clients').values(clientToRow(client)).execute();
  }

  async findById(clientId: string): Promise<ClientRecord | undefined> {
    const row = await findClientById.executeTakeFirst(this.db, { clientId });
    return row && rowToClient(row);
  }

  async findByName(clientName: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('client_name', '=', clientName).executeTakeFirst();
    return row && rowToClient(row);
  }

  async list(): Promise<readonly ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().orderBy('client_name').execute();
    return rows.map(rowToClient);
  }

  async update(clientId: string, changes: ClientUpdate, now: number): Promise<ClientRecord | undefined> {
    const row = await this.db
      .updateTable('clients')
      .set({ ...updateToRow(changes), updated_at: now })
      .where('client_id', '=', clientId)
      .returningAll()
      .executeTakeFirst();
    return row && rowToClient(row);
  }

  async rotateSecret(clientId: string, secretHash: string, previousExpiresAt: number, now: number): Promise<ClientRecord | undefined> {
    const row = await this.db
      .updateTable('clients')
      .set((eb) => ({
        previous_secret_hash: eb.ref('secret_hash'),
        previous_secret_expires_at: previousExpiresAt,
        secret_hash: secretHash,
        updated_at: now,
      }))
      .where('client_id', '=', clientId)
      .returningAll()
      .executeTakeFirst();
    return row && rowToClient(row);
  }

  async delete(clientId: string): Promise<boolean> {
    // Codes, consents, token families and their refresh tokens, and its API access go with it through ON DELETE CASCADE.
    const result = await this.db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async rankByActivity(since: number, limit: number, recentRows: number): Promise<readonly string[]> {
    const codes = this.recentActivity('authorization_codes', 'created_at', since, recentRows);
    const tokens = this.recentActivity('refresh_tokens', 'issued_at', since, recentRows);
    // Each select sits in a subquery: PostgreSQL takes no ORDER BY or LIMIT on a bare member of a UNION.
    const activity = this.db.selectFrom(codes.as('recent_codes')).select('client_id')
      .unionAll(this.db.selectFrom(tokens.as('recent_tokens')).select('client_id'))
      .as('activity');
    const rows = await this.db
      .selectFrom('clients')
      .leftJoin(activity, 'activity.client_id', 'clients.client_id')
      .select((eb) => ['clients.client_id', eb.fn.count<number>('activity.client_id').as('events')])
      .groupBy('clients.client_id')
      .orderBy('events', 'desc')
      .orderBy('clients.client_id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.client_id);
  }

  /**
   * The client of each of the newest `recentRows` rows of `table` issued since `since`. SQLite runs the ranking on the
   * server's own thread, so it reads only the last `recentRows` rowids (insertion order: issue order but for clock
   * skew between instances), a range of the table's own B-tree: milliseconds with a million refresh tokens, where
   * counting them all stalled every request for 0.7 s, and where walking back from the newest row until enough had
   * matched would read the whole table when few rows are recent. PostgreSQL works on its own side and sorts by time.
   */
  private recentActivity(table: 'authorization_codes' | 'refresh_tokens', issuedAt: 'created_at' | 'issued_at', since: number, recentRows: number) {
    const inWindow = this.db.selectFrom(table).select('client_id').where(sql<SqlBool>`${sql.ref(issuedAt)} >= ${since}`);
    return this.engine === 'sqlite'
      ? inWindow.where(sql<SqlBool>`rowid > (select coalesce(max(rowid), 0) from ${sql.table(table)}) - ${recentRows}`)
      : inWindow.orderBy(sql.ref(issuedAt), 'desc').limit(recentRows);
  }
}
