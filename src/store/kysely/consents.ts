// The consents table: what each user allowed each client, when it was last used, and removing a client's access.
import { CONSENT_USE_PRECISION, type ConsentRecord, type ConsentRevocation } from '../records.js';
import type { ConsentRepository } from '../store.js';
import type { ConsentsTable } from './database.js';
import { enqueueClientLogoutDeliveries } from './back-channel-logout.js';
import { withdrawDeviceApprovals } from './device-authorizations.js';
import { prepareQuery, type Param } from './prepared-query.js';
import { inTransaction, type Db } from './transaction.js';

function rowToConsent(row: ConsentsTable): ConsentRecord {
  return {
    userId: row.user_id,
    clientId: row.client_id,
    scope: row.scope,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  };
}

const findConsent = prepareQuery((db, param: Param<{ userId: string; clientId: string }>) =>
  db.selectFrom('consents').selectAll().where('user_id', '=', param('userId')).where('client_id', '=', param('clientId')),
);

const recordConsentUse = prepareQuery((db, param: Param<{ userId: string; clientId: string; usedBefore: number; now: number }>) =>
  db
    .updateTable('consents')
    .set({ last_used_at: param('now') })
    .where('user_id', '=', param('userId'))
    .where('client_id', '=', param('clientId'))
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', param('usedBefore'))])),
);

export class KyselyConsentRepository implements ConsentRepository {
  constructor(private readonly db: Db) {}

  async find(userId: string, clientId: string): Promise<ConsentRecord | undefined> {
    const row = await findConsent.executeTakeFirst(this.db, { userId, clientId });
    return row && rowToConsent(row);
  }

  async listForUser(userId: string): Promise<readonly ConsentRecord[]> {
    const rows = await this.db.selectFrom('consents').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('client_id').execute();
    return rows.map(rowToConsent);
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
        last_used_at: consent.lastUsedAt,
      })
      // Replacing keeps the original createdAt (when the user first consented) and the last use.
      .onConflict((conflict) => conflict.columns(['user_id', 'client_id']).doUpdateSet({ scope: consent.scope, updated_at: consent.updatedAt }))
      .execute();
  }

  async recordUse(userId: string, clientId: string, now: number): Promise<void> {
    await recordConsentUse.executeWrite(this.db, { userId, clientId, usedBefore: now - CONSENT_USE_PRECISION, now });
  }

  async revoke(userId: string, clientId: string, now: number): Promise<ConsentRevocation> {
    return inTransaction(this.db, async (trx) => {
      // Codes first, in the order a redemption locks (its code row, then its family, then the consent via recordUse):
      // these statements wait for a concurrent redemption to commit, so its new family is revoked below, and the two
      // transactions never lock in opposite orders (a deadlock on PostgreSQL).
      // A code not yet redeemed would give the client tokens after its access was removed.
      const codes = await trx
        .deleteFrom('authorization_codes')
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      // Likewise a device code the person approved and the device has not yet redeemed (RFC 8628 §3.5: access_denied).
      const deviceCodes = await withdrawDeviceApprovals(trx, { userId, clientId }, now);
      // SECURITY.md: revoking consent revokes the refresh token families issued under it.
      const families = await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: 'consent_revoked' })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      const deleted = await trx.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst();
      const logoutsQueued = await enqueueClientLogoutDeliveries(trx, userId, clientId, now);
      return {
        consentRemoved: deleted.numDeletedRows > 0n,
        familiesRevoked: Number(families.numUpdatedRows),
        codesDeleted: Number(codes.numDeletedRows) + deviceCodes,
        logoutsQueued,
      };
    });
  }
}
