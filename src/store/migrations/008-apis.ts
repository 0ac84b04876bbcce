// Registered APIs (RFC 8707 resource servers), the clients allowed each, and the resources codes and grants carry.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

async function createApiTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('apis')
    .addColumn('identifier', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    // JSON array of { name, description }.
    .addColumn('scopes', 'text', (col) => col.notNull())
    // Null: the configured tokens.accessTokenTtl.
    .addColumn('access_token_ttl', 'integer')
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('updated_at', EPOCH, (col) => col.notNull())
    .execute();
  // Clients that may act as the API's resource server; gone with either side.
  await db.schema
    .createTable('api_resource_servers')
    .addColumn('api_identifier', 'text', (col) => col.notNull().references('apis.identifier').onDelete('cascade'))
    .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
    .addPrimaryKeyConstraint('api_resource_servers_pkey', ['api_identifier', 'client_id'])
    .execute();
  await db.schema.createIndex('api_resource_servers_client_id').on('api_resource_servers').column('client_id').execute();
  // The APIs a client may request tokens for, with the scopes of each it may request.
  await db.schema
    .createTable('client_apis')
    .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
    .addColumn('api_identifier', 'text', (col) => col.notNull().references('apis.identifier').onDelete('cascade'))
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addPrimaryKeyConstraint('client_apis_pkey', ['client_id', 'api_identifier'])
    .execute();
  await db.schema.createIndex('client_apis_api_identifier').on('client_apis').column('api_identifier').execute();
}

export const apisMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createApiTables(db);
    // JSON arrays of API identifiers (RFC 8707 §2.1) and the API scopes granted at each, as space-separated
    // `<identifier>#<scope>`; codes and grants from before the upgrade are for userinfo only.
    for (const table of ['authorization_codes', 'token_families']) {
      await db.schema.alterTable(table).addColumn('resources', 'text', (col) => col.notNull().defaultTo('[]')).execute();
      await db.schema.alterTable(table).addColumn('api_scope', 'text', (col) => col.notNull().defaultTo('')).execute();
    }
  },
};
