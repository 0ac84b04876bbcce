// private_key_jwt client authentication (RFC 7523): each client's keys (a JWK Set or its URL), and the `jti` of every
// client assertion seen, kept until the assertion expires so a replay is refused.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const clientAssertionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // RFC 7591 §2: `jwks` (JSON text of a JWK Set) or `jwks_uri`, never both; null for clients that use a secret.
    await db.schema.alterTable('clients').addColumn('jwks', 'text').execute();
    await db.schema.alterTable('clients').addColumn('jwks_uri', 'text').execute();
    await db.schema
      .createTable('client_assertion_jtis')
      .addColumn('client_id', 'text', (col) => col.notNull().references('clients.client_id').onDelete('cascade'))
      // SHA-256 of the `jti` as sent: an attacker-chosen string kept at a fixed size.
      .addColumn('jti_hash', 'text', (col) => col.notNull())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .addPrimaryKeyConstraint('client_assertion_jtis_pkey', ['client_id', 'jti_hash'])
      .execute();
    await db.schema.createIndex('client_assertion_jtis_expires_at').on('client_assertion_jtis').column('expires_at').execute();
  },
};
