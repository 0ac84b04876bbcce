// Store contract, users and consents: unique usernames, password changes, disabling and consent revocation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateError } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aSession, aUser, NOW, seedClientAndUser, seedFamily } from './fixtures.js';

forEachEngine((engine) => {
  describe('users', () => {
    const current = useTestStore(engine);

    it('stores a user and finds it by id and by username, field for field', async () => {
      const { store } = current();
      const user = aUser({ email: null, name: null, emailVerified: false });
      await store.users.create(user);
      assert.deepEqual(await store.users.findById(user.userId), user);
      assert.deepEqual(await store.users.findByUsername(user.username), user);
      assert.equal(await store.users.findById('nobody'), undefined);
      assert.equal(await store.users.findByUsername('nobody'), undefined);
    });

    it('finds many users by id in one call: those that exist, each once, whatever the number of ids', async () => {
      const { store } = current();
      const [ada, grace, bystander] = [aUser(), aUser(), aUser()];
      for (const user of [ada, grace, bystander]) await store.users.create(user);
      const byId = (users: readonly { userId: string }[]) => [...users].sort((a, b) => a.userId.localeCompare(b.userId));
      assert.deepEqual(byId(await store.users.findByIds([grace.userId, 'nobody', ada.userId, grace.userId])), byId([ada, grace]));
      assert.deepEqual(await store.users.findByIds([]), []);
      // More ids than one batch holds, the existing ones in the first and the last batch.
      const many = [ada.userId, ...Array.from({ length: 2500 }, (_, index) => `missing-${index}`), bystander.userId];
      assert.deepEqual(byId(await store.users.findByIds(many)), byId([ada, bystander]));
    });

    it('refuses a taken username with DuplicateError("username")', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      await assert.rejects(store.users.create(aUser({ username: user.username })), (error: unknown) => {
        assert.ok(error instanceof DuplicateError);
        assert.equal(error.field, 'username');
        assert.equal(error.message, 'username is already taken');
        return true;
      });
    });

    it('treats usernames as exact strings: a different case is a different user', async () => {
      const { store } = current();
      await store.users.create(aUser({ username: 'ada' }));
      await store.users.create(aUser({ username: 'Ada' }));
      assert.deepEqual(
        (await store.users.list()).map((user) => user.username).sort(),
        ['Ada', 'ada'],
      );
    });

    it('replaces the password hash and reports unknown users', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      assert.equal(await store.users.setPasswordHash(user.userId, '$argon2id$new', NOW + 9), true);
      assert.deepEqual(await store.users.findById(user.userId), { ...user, passwordHash: '$argon2id$new', updatedAt: NOW + 9 });
      assert.equal(await store.users.setPasswordHash('nobody', 'x', NOW), false);
    });

    it('disables a user, revoking their families and ending their sessions but not other users\'', async () => {
      const { store } = current();
      const { user, family } = await seedFamily(store);
      const session = aSession(user);
      await store.sessions.create(session);
      const bystander = await seedFamily(store);
      const bystanderSession = aSession(bystander.user);
      await store.sessions.create(bystanderSession);

      assert.ok(await store.users.disable(user.userId, NOW + 100));

      assert.equal((await store.users.findById(user.userId))?.disabledAt, NOW + 100);
      const revoked = await store.refreshTokens.findFamily(family.familyId);
      assert.equal(revoked?.revokedAt, NOW + 100);
      assert.equal(revoked?.revokedReason, 'user_disabled');
      assert.equal(await store.sessions.findLive(session.sessionHash, NOW + 101), undefined);
      assert.equal((await store.refreshTokens.findFamily(bystander.family.familyId))?.revokedAt, null);
      assert.ok(await store.sessions.findLive(bystanderSession.sessionHash, NOW + 101));
    });

    it('keeps the first disabledAt when disabled twice, and reports unknown users', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      assert.ok(await store.users.disable(user.userId, NOW + 1));
      assert.ok(await store.users.disable(user.userId, NOW + 2));
      const disabled = await store.users.findById(user.userId);
      assert.equal(disabled?.disabledAt, NOW + 1);
      assert.equal(disabled?.updatedAt, NOW + 2);
      assert.equal(await store.users.disable('nobody', NOW), undefined);
    });

    it('grants and removes the admin role, stores it field for field, and reports unknown users', async () => {
      const { store } = current();
      const admin = aUser({ admin: true });
      const user = aUser();
      await store.users.create(admin);
      await store.users.create(user);
      assert.deepEqual(await store.users.findById(admin.userId), admin);
      assert.equal(await store.users.setAdmin(user.userId, true, NOW + 5), true);
      assert.deepEqual(await store.users.findByUsername(user.username), { ...user, admin: true, updatedAt: NOW + 5 });
      assert.equal(await store.users.setAdmin(user.userId, true, NOW + 6), true, 'granting again still succeeds');
      assert.equal(await store.users.setAdmin(admin.userId, false, NOW + 7), true);
      assert.deepEqual(
        (await store.users.list()).filter((listed) => [admin.userId, user.userId].includes(listed.userId)).map((listed) => listed.admin).sort(),
        [false, true],
      );
      assert.equal(await store.users.setAdmin('nobody', true, NOW), false);
    });
  });

  describe('consents', () => {
    const current = useTestStore(engine);

    it('saves, finds and replaces a consent, keeping when it was first given', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      assert.equal(await store.consents.find(user.userId, client.clientId), undefined);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid email', createdAt: NOW + 50, updatedAt: NOW + 50, lastUsedAt: null });
      assert.deepEqual(await store.consents.find(user.userId, client.clientId), {
        userId: user.userId,
        clientId: client.clientId,
        scope: 'openid email',
        createdAt: NOW,
        updatedAt: NOW + 50,
        lastUsedAt: null,
      });
    });

    it('revokes a consent and the families issued under it, leaving other clients\' families live', async () => {
      const { store } = current();
      const { client, user, family } = await seedFamily(store);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      const bystander = await seedFamily(store);

      assert.equal((await store.consents.revoke(user.userId, client.clientId, NOW + 7)).consentRemoved, true);

      assert.equal(await store.consents.find(user.userId, client.clientId), undefined);
      const revoked = await store.refreshTokens.findFamily(family.familyId);
      assert.equal(revoked?.revokedAt, NOW + 7);
      assert.equal(revoked?.revokedReason, 'consent_revoked');
      assert.equal((await store.refreshTokens.findFamily(bystander.family.familyId))?.revokedAt, null);
      assert.equal((await store.consents.revoke(user.userId, client.clientId, NOW + 8)).consentRemoved, false);
    });
  });
});
