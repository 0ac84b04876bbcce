// Store contract, ending a user's access: a password change, disabling, enabling and deletion, on both engines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRecord, UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import { aCode, aFamily, anAuditEvent, aRefreshToken, aSession, aUser, NOW, seedClientAndUser } from './fixtures.js';

/** A user holding one of everything: live and dead sessions and families, pending and redeemed codes, a consent. */
async function seedAccess(store: Store, client: ClientRecord, user: UserRecord) {
  const live = { session: aSession(user), family: aFamily(client, user), pendingCode: aCode(client, user) };
  const dead = {
    endedSession: aSession(user, { endedAt: NOW - 10 }),
    expiredSession: aSession(user, { idleExpiresAt: NOW - 1 }),
    revokedFamily: aFamily(client, user, { revokedAt: NOW - 10, revokedReason: 'consent_revoked' }),
    expiredFamily: aFamily(client, user, { createdAt: NOW - 100, expiresAt: NOW - 1 }),
    redeemedCode: aCode(client, user, { consumedAt: NOW - 5 }),
  };
  for (const session of [live.session, dead.endedSession, dead.expiredSession]) await store.sessions.create(session);
  for (const family of [live.family, dead.revokedFamily, dead.expiredFamily]) await store.refreshTokens.createFamily(family);
  for (const code of [live.pendingCode, dead.redeemedCode]) await store.authorizationCodes.create(code);
  const token = aRefreshToken(live.family);
  await store.refreshTokens.create(token);
  // A rotation keeps an encrypted retry response on the rotated token for a few seconds.
  await store.refreshTokens.rotate({
    tokenHash: token.tokenHash,
    successor: aRefreshToken(live.family),
    firstUse: { ip: '192.0.2.7', userAgent: 'app/1.0' },
    retry: { retryUntil: NOW + 6, fingerprint: 'fingerprint', encryptedResponse: 'v1.kek.iv.tag.ciphertext' },
    now: NOW,
  });
  await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
  return { ...live, ...dead };
}

async function countRows(database: TestStore, table: string, userId: string): Promise<number> {
  const rows = await database.sql(`select count(*) as n from ${table} where user_id = '${userId}'`);
  return Number(rows[0]?.n);
}

async function keptRetryResponses(database: TestStore): Promise<number> {
  return Number((await database.sql('select count(*) as n from refresh_tokens where retry_response is not null'))[0]?.n);
}

forEachEngine((engine) => {
  describe('ending a user\'s access', () => {
    const current = useTestStore(engine);

    async function seedTwoUsers() {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const bystander = aUser();
      await store.users.create(bystander);
      return { client, user, access: await seedAccess(store, client, user), bystander, bystanderAccess: await seedAccess(store, client, bystander) };
    }

    it('changes a password, ending live sessions, revoking live families and deleting pending codes of that user only', async () => {
      const database = current();
      const { store } = database;
      const { user, access, bystander, bystanderAccess } = await seedTwoUsers();

      assert.deepEqual(await store.users.changePassword(user.userId, '$argon2id$new', NOW + 1), { sessionsEnded: 1, familiesRevoked: 1 });

      assert.deepEqual(await store.users.findById(user.userId), { ...user, passwordHash: '$argon2id$new', updatedAt: NOW + 1 });
      assert.equal(await store.sessions.findLive(access.session.sessionHash, NOW + 2), undefined);
      const family = await store.refreshTokens.findFamily(access.family.familyId);
      assert.deepEqual([family?.revokedAt, family?.revokedReason], [NOW + 1, 'password_changed']);
      assert.equal((await store.refreshTokens.findFamily(access.revokedFamily.familyId))?.revokedReason, 'consent_revoked', 'the first revocation stands');
      assert.equal((await store.authorizationCodes.consume(access.pendingCode.codeHash, NOW + 2)).outcome, 'unknown');
      assert.equal((await store.authorizationCodes.consume(access.redeemedCode.codeHash, NOW + 2)).outcome, 'replayed', 'kept for replay detection');
      assert.equal(await keptRetryResponses(database), 1, 'only the bystander\'s retry response is left');

      assert.ok(await store.sessions.findLive(bystanderAccess.session.sessionHash, NOW + 2));
      assert.equal((await store.refreshTokens.findFamily(bystanderAccess.family.familyId))?.revokedAt, null);
      assert.equal((await store.authorizationCodes.consume(bystanderAccess.pendingCode.codeHash, NOW + 2)).outcome, 'redeemed');
      assert.equal((await store.users.findById(bystander.userId))?.passwordHash, bystander.passwordHash);
    });

    it('reports an unknown user on a password change and changes nothing in a failed transaction', async () => {
      const { store } = current();
      const { user, access } = await seedTwoUsers();
      assert.equal(await store.users.changePassword('nobody', '$argon2id$x', NOW), undefined);
      await assert.rejects(
        store.transaction(async (trx) => {
          await trx.users.changePassword(user.userId, '$argon2id$rolled-back', NOW + 1);
          throw new Error('a later step failed');
        }),
        /a later step failed/,
      );
      assert.equal((await store.users.findById(user.userId))?.passwordHash, user.passwordHash);
      assert.ok(await store.sessions.findLive(access.session.sessionHash, NOW + 2));
      assert.equal((await store.refreshTokens.findFamily(access.family.familyId))?.revokedAt, null);
    });

    it('counts what disabling ended, nothing the second time, and enabling clears disabledAt only', async () => {
      const database = current();
      const { store } = database;
      const { user, access } = await seedTwoUsers();
      assert.deepEqual(await store.users.disable(user.userId, NOW + 1), { sessionsEnded: 1, familiesRevoked: 1 });
      assert.equal(await keptRetryResponses(database), 1);
      assert.deepEqual(await store.users.disable(user.userId, NOW + 2), { sessionsEnded: 0, familiesRevoked: 0 });
      assert.equal(await store.users.disable('nobody', NOW), undefined);

      assert.equal(await store.users.enable(user.userId, NOW + 3), true);
      assert.deepEqual(await store.users.findById(user.userId), { ...user, disabledAt: null, updatedAt: NOW + 3 });
      assert.equal((await store.refreshTokens.findFamily(access.family.familyId))?.revokedReason, 'user_disabled', 'what was revoked stays revoked');
      assert.equal(await store.sessions.findLive(access.session.sessionHash, NOW + 4), undefined);
      assert.equal(await store.users.enable('nobody', NOW), false);
    });

    it('deletes a user with everything issued to them, keeping the audit trail and other users\' records', async () => {
      const database = current();
      const { store } = database;
      const { user, access, bystander } = await seedTwoUsers();
      await store.audit.append(anAuditEvent({ userId: user.userId }));

      assert.equal(await store.users.delete(user.userId), true);

      assert.equal(await store.users.findById(user.userId), undefined);
      for (const table of ['sessions', 'authorization_codes', 'consents', 'token_families']) {
        assert.equal(await countRows(database, table, user.userId), 0, table);
        assert.ok((await countRows(database, table, bystander.userId)) > 0, `${table} of another user`);
      }
      const tokens = await database.sql(`select count(*) as n from refresh_tokens where family_id = '${access.family.familyId}'`);
      assert.equal(Number(tokens[0]?.n), 0, 'refresh tokens go with their family');
      assert.equal((await store.audit.list({ limit: 10 })).filter((event) => event.userId === user.userId).length, 1);
      assert.equal((await store.audit.verifyChain()).intact, true);
      assert.equal(await store.users.delete(user.userId), false);
    });
  });
});
