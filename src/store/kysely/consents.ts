// The consents table: what each user allowed each client, and revocation of the grants made under it.
import type { ConsentRecord } from '../records.js';
import type { ConsentRepository } from '../store.js';
import type { ConsentsTable } from './database.js';
import { inTransaction, type Db } from './transaction.js';

function rowToConsent(row: ConsentsTable): ConsentRecord {
  return { userId: row.user_id, clientId: row.client_id, scope: row.scope, createdAt: row.created_at, updatedAt: row.updated_at };
}

export class KyselyConsentRepository implements ConsentRepository {
  constructor(private readonly db: Db) {}

  async find(userId: string, clientId: string): Promise<ConsentRecord | undefined> {
    const row = await this.db
      .selectFrom('consents')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row && rowToConsent(row);
  }

  async save(consent: ConsentRecord): Promise<void> {
    await this.db
      .insertInto('consents')
      .values({
        user_id: consent.userId,
        client_id: consent.clientId,
        scope: consent.scope,
        created_at: consent.createdAt,
        updated_at: consent.updatedAt,
      })
      // Replacing keeps the original createdAt: it records when the user first consented.
      .onConflict((conflict) => conflict.columns(['user_id', 'client_id']).doUpdateSet({ scope: consent.scope, updated_at: consent.updatedAt }))
      .execute();
  }

  async revoke(userId: string, clientId: string, now: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const deleted = await trx
        .deleteFrom('consents')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      // SECURITY.md: revoking consent revokes the refresh token families issued under it.
      await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: 'consent_revoked' })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .execute();
      return deleted.numDeletedRows > 0n;
    });
  }
}
