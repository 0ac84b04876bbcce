// One active and one next signing key per algorithm, and the ID token algorithm each client registers.
import { sql, type Kysely, type Migration } from 'kysely';

export const signingKeysPerAlgorithmMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // Replaces 001's global "one active, one next" indexes: each algorithm is a key ring of its own, and the
    // per-algorithm index still refuses a second key that racing instances bootstrap or promote at once.
    for (const status of ['active', 'next']) {
      await db.schema.dropIndex(`signing_keys_one_${status}`).execute();
      await db.schema
        .createIndex(`signing_keys_one_${status}_per_alg`)
        .on('signing_keys')
        .column('alg')
        .unique()
        .where(sql.ref('status'), '=', status)
        .execute();
    }
    // OpenID Connect Registration §2: id_token_signed_response_alg defaults to RS256, existing clients included.
    await db.schema
      .alterTable('clients')
      .addColumn('id_token_signed_response_alg', 'text', (col) => col.notNull().defaultTo('RS256'))
      .execute();
  },
};
