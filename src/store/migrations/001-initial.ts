// The initial schema: every table Gatehouse stores, with the indexes its lookups and cascades use.
import { sql, type Kysely, type Migration } from 'kysely';
import { GENESIS_HASH } from '../kysely/audit-chain.js';

// Portable column types: epoch seconds as bigint, booleans as integer 0/1, lists and objects as JSON text.
const EPOCH = 'bigint';
const FLAG = 'integer';

async function createClientsAndUsers(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('clients')
    .addColumn('client_id', 'text', (col) => col.primaryKey())
    .addColumn('client_name', 'text', (col) => col.notNull().unique())
    .addColumn('client_type', 'text', (col) => col.notNull())
    .addColumn('token_endpoint_auth_method', 'text', (col) => col.notNull())
    .addColumn('redirect_uris', 'text', (col) => col.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (col) => col.notNull())
    .addColumn('grant_types', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('first_party', FLAG, (col) => col.notNull())
    .addColumn('secret_hash', 'text')
    .addColumn('previous_secret_hash', 'text')
    .addColumn('previous_secret_expires_at', EPOCH)
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('updated_at', EPOCH, (col) => col.notNull())
    .execute();
  await db.schema
    .createTable('users')
    .addColumn('user_id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('email_verified', FLAG, (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('disabled_at', EPOCH)
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('updated_at', EPOCH, (col) => col.notNull())
    .execute();
}

async function createCodesAndConsents(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('authorization_codes')
    .addColumn('code_hash', 'text', (col) => col.primaryKey())
    .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('redirect_uri', 'text', (col) => col.notNull())
    .addColumn('redirect_uri_sent', FLAG, (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('code_challenge', 'text', (col) => col.notNull())
    .addColumn('code_challenge_method', 'text', (col) => col.notNull())
    .addColumn('nonce', 'text')
    .addColumn('auth_time', EPOCH, (col) => col.notNull())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('expires_at', EPOCH, (col) => col.notNull())
    .addColumn('consumed_at', EPOCH)
    .execute();
  await db.schema.createIndex('authorization_codes_client_id').on('authorization_codes').column('client_id').execute();
  await db.schema.createIndex('authorization_codes_user_id').on('authorization_codes').column('user_id').execute();
  await db.schema.createIndex('authorization_codes_expires_at').on('authorization_codes').column('expires_at').execute();
  await db.schema
    .createTable('consents')
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('updated_at', EPOCH, (col) => col.notNull())
    .addPrimaryKeyConstraint('consents_pkey', ['user_id', 'client_id'])
    .execute();
  await db.schema.createIndex('consents_client_id').on('consents').column('client_id').execute();
}

async function createTokenTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('token_families')
    .addColumn('family_id', 'text', (col) => col.primaryKey())
    .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('session_id', 'text', (col) => col.notNull())
    .addColumn('auth_time', EPOCH, (col) => col.notNull())
    // One family per code; no foreign key, since expired codes are deleted while their families live on.
    .addColumn('authorization_code_hash', 'text', (col) => col.notNull().unique())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('expires_at', EPOCH, (col) => col.notNull())
    .addColumn('revoked_at', EPOCH)
    .addColumn('revoked_reason', 'text')
    .execute();
  await db.schema.createIndex('token_families_user_client').on('token_families').columns(['user_id', 'client_id']).execute();
  await db.schema.createIndex('token_families_client_id').on('token_families').column('client_id').execute();
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('family_id', 'text', (col) => col.notNull().references('token_families.family_id').onDelete('cascade'))
    .addColumn('client_id', 'text', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull())
    .addColumn('issued_at', EPOCH, (col) => col.notNull())
    .addColumn('expires_at', EPOCH, (col) => col.notNull())
    .addColumn('rotated_at', EPOCH)
    .execute();
  await db.schema.createIndex('refresh_tokens_family_id').on('refresh_tokens').column('family_id').execute();
}

async function createSessionsAndKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('session_hash', 'text', (col) => col.primaryKey())
    .addColumn('session_id', 'text', (col) => col.notNull().unique())
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('auth_time', EPOCH, (col) => col.notNull())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('last_seen_at', EPOCH, (col) => col.notNull())
    .addColumn('idle_expires_at', EPOCH, (col) => col.notNull())
    .addColumn('absolute_expires_at', EPOCH, (col) => col.notNull())
    .addColumn('ended_at', EPOCH)
    .execute();
  await db.schema.createIndex('sessions_user_id').on('sessions').column('user_id').execute();
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('alg', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull())
    .addColumn('public_jwk', 'text', (col) => col.notNull())
    .addColumn('private_key_encrypted', 'text', (col) => col.notNull())
    .addColumn('created_at', EPOCH, (col) => col.notNull())
    .addColumn('activated_at', EPOCH)
    .addColumn('retired_at', EPOCH)
    .addColumn('publish_until', EPOCH)
    .execute();
  // At most one active and one next key, whatever races between instances bootstrapping or rotating at once.
  for (const status of ['active', 'next']) {
    await db.schema
      .createIndex(`signing_keys_one_${status}`)
      .on('signing_keys')
      .column('status')
      .unique()
      .where(sql.ref('status'), '=', status)
      .execute();
  }
}

async function createAudit(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    .addColumn('sequence', 'bigint', (col) => col.primaryKey())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('occurred_at', EPOCH, (col) => col.notNull())
    .addColumn('request_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text', (col) => col.notNull())
    .addColumn('previous_hash', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_events_type').on('audit_events').columns(['type', 'sequence']).execute();
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('sequence', 'bigint', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull())
    .execute();
  await sql`insert into audit_chain_head (id, sequence, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
}

export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await createClientsAndUsers(db);
    await createCodesAndConsents(db);
    await createTokenTables(db);
    await createSessionsAndKeys(db);
    await createAudit(db);
  },
};
