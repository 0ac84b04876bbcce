// Store contract on PostgreSQL: removing a client's access while a redemption of its code is under way neither
// deadlocks nor leaves the family that redemption created live. (SQLite runs one write transaction at a time.)
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { engines, useTestStore, type TestStore } from '../support/database.js';
import { aCode, aFamily, NOW, seedClientAndUser } from './fixtures.js';

const postgres = engines.find((engine) => engine.name === 'postgres')!;

/** Resolves once a transaction on this test's schema waits for a row lock another transaction holds. */
async function untilWaitingForRowLock(database: TestStore): Promise<void> {
  const schema = database.postgresSchema!.replaceAll("'", "''");
  const query = `select 1 from pg_locks waiting where not waiting.granted and waiting.locktype = 'transactionid' and waiting.pid in (
    select held.pid from pg_locks held join pg_class c on c.oid = held.relation join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}')`;
  while ((await database.sql(query)).length === 0) await sleep(10);
}

describe('postgres', { skip: postgres.skipReason }, () => {
  describe('removing access during a redemption', () => {
    const current = useTestStore(postgres);

    it('waits for the redemption, then revokes the family it created; neither transaction fails', async () => {
      const database = current();
      const { store } = database;
      const { client, user } = await seedClientAndUser(store);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      const family = aFamily(client, user, { authorizationCodeHash: code.codeHash });
      let revocation: ReturnType<typeof store.consents.revoke> | undefined;
      // The redemption as issueFamily runs it: the code row locked first, the family stored, then the consent's last use.
      await store.transaction(async (redeeming) => {
        assert.equal((await redeeming.authorizationCodes.consume(code.codeHash, NOW)).outcome, 'redeemed');
        await redeeming.refreshTokens.createFamily(family);
        revocation = store.consents.revoke(user.userId, client.clientId, NOW + 1);
        await untilWaitingForRowLock(database);
        await redeeming.consents.recordUse(user.userId, client.clientId, NOW);
      });
      const revoked = await revocation!;
      assert.equal(revoked.consentRemoved, true);
      assert.equal(revoked.familiesRevoked, 1);
      assert.equal((await store.refreshTokens.findFamily(family.familyId))?.revokedReason, 'consent_revoked');
      assert.equal(await store.consents.find(user.userId, client.clientId), undefined);
    });
  });
});
