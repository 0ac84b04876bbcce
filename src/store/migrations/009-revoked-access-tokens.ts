// The revoked_access_tokens table: the deny list of access tokens revoked before their expiry (RFC 7009 §2).
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const revokedAccessTokensMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('revoked_access_tokens')
      // The token's `jti`; never the token itself.
      .addColumn('token_id', 'text', (col) => col.primaryKey())
      .addColumn('client_id', 'text', (col) => col.notNull())
      .addColumn('revoked_at', EPOCH, (col) => col.notNull())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .execute();
    // The sweep finds entries whose token has expired without scanning the table.
    await db.schema.createIndex('revoked_access_tokens_expires_at').on('revoked_access_tokens').column('expires_at').execute();
  },
};
