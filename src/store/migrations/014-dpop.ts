// DPoP (RFC 9449): the key thumbprints codes and refresh token families are bound to, clients that require DPoP, and
// the `jti` of every proof accepted, kept while the proof could still be accepted so a replay is refused.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const dpopMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // RFC 9449 §5.2 `dpop_bound_access_tokens`: 0 or 1; existing clients do not require DPoP.
    await db.schema.alterTable('clients').addColumn('dpop_bound_access_tokens', 'integer', (col) => col.notNull().defaultTo(0)).execute();
    // RFC 9449 §10: `dpop_jkt` of the authorization request; §5: the key a public client's refresh tokens are bound to.
    await db.schema.alterTable('authorization_codes').addColumn('dpop_jkt', 'text').execute();
    await db.schema.alterTable('token_families').addColumn('dpop_jkt', 'text').execute();
    await db.schema
      .createTable('dpop_proof_jtis')
      // SHA-256 of the key thumbprint and the `jti`: attacker-chosen strings kept at a fixed size, scoped to one key.
      .addColumn('jti_hash', 'text', (col) => col.primaryKey())
      .addColumn('expires_at', EPOCH, (col) => col.notNull())
      .execute();
    await db.schema.createIndex('dpop_proof_jtis_expires_at').on('dpop_proof_jtis').column('expires_at').execute();
  },
};
