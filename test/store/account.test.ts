// Store contract for the account page: consents listed and their last use, removing a client's access (consent,
// families, unredeemed codes, back-channel logout per session), and a user's sessions listed and ended by id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONSENT_USE_PRECISION } from '../../src/store/records.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aDeviceAuthorization, aFamily, anInteraction, aSession, aUser, NOW, seedClientAndUser } from './fixtures.js';

forEachEngine((engine) => {
  describe('account: consents and sessions', () => {
    const current = useTestStore(engine);

    it("lists a user's consents oldest first and records their last use, only where a consent exists", async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const later = aClient();
      await store.clients.create(later);
      await store.consents.save({ userId: user.userId, clientId: later.clientId, scope: 'openid', createdAt: NOW + 1, updatedAt: NOW + 1, lastUsedAt: null });
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.consents.recordUse(user.userId, client.clientId, NOW + 9);
      await store.consents.recordUse(user.userId, 'no-consent-client', NOW + 9);
      // Saving the consent again (a new scope) keeps its last use.
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid email', createdAt: NOW + 10, updatedAt: NOW + 10, lastUsedAt: null });
      const listed = await store.consents.listForUser(user.userId);
      assert.deepEqual(listed.map((consent) => [consent.clientId, consent.lastUsedAt, consent.createdAt]), [[client.clientId, NOW + 9, NOW], [later.clientId, null, NOW + 1]]);
      assert.deepEqual(await store.consents.listForUser('nobody'), []);
    });

    it('moves a consent\'s last use forward only once it is a minute old, so frequent refreshes write nothing', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      const lastUse = async () => (await store.consents.find(user.userId, client.clientId))?.lastUsedAt;
      await store.consents.recordUse(user.userId, client.clientId, NOW);
      await store.consents.recordUse(user.userId, client.clientId, NOW + CONSENT_USE_PRECISION - 1);
      assert.equal(await lastUse(), NOW);
      await store.consents.recordUse(user.userId, client.clientId, NOW + CONSENT_USE_PRECISION);
      assert.equal(await lastUse(), NOW + CONSENT_USE_PRECISION);
    });

    it("removes a client's access: its families and unredeemed codes go, one logout is queued per session it took part in", async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      await store.clients.update(client.clientId, { backchannelLogoutUri: 'https://rp.example/logout' }, NOW);
      const bystander = aClient({ backchannelLogoutUri: 'https://other.example/logout' });
      await store.clients.create(bystander);
      const [first, second, unrelated] = [aSession(user), aSession(user), aSession(user)];
      for (const session of [first, second, unrelated]) await store.sessions.create(session);
      await store.backChannelLogout.recordParticipant(first.sessionId, client.clientId, NOW);
      await store.backChannelLogout.recordParticipant(second.sessionId, client.clientId, NOW);
      await store.backChannelLogout.recordParticipant(first.sessionId, bystander.clientId, NOW);
      await store.consents.save({ userId: user.userId, clientId: client.clientId, scope: 'openid', createdAt: NOW, updatedAt: NOW, lastUsedAt: null });
      await store.refreshTokens.createFamily(aFamily(client, user));
      const kept = aFamily(bystander, user);
      await store.refreshTokens.createFamily(kept);
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      await store.authorizationCodes.create(aCode(bystander, user));

      assert.deepEqual(await store.consents.revoke(user.userId, client.clientId, NOW + 5), { consentRemoved: true, familiesRevoked: 1, codesDeleted: 1, logoutsQueued: 2 });
      assert.equal((await store.authorizationCodes.consume(code.codeHash, NOW + 6)).outcome, 'unknown');
      assert.equal((await store.refreshTokens.findFamily(kept.familyId))?.revokedAt, null, "another client's family stays");
      assert.deepEqual((await store.backChannelLogout.listForSession(first.sessionId)).map((delivery) => delivery.clientId), [client.clientId]);
      assert.equal((await store.backChannelLogout.listForSession(unrelated.sessionId)).length, 0);
      // Ending the session later notifies the other participant only: the removed client was told already.
      assert.equal(await store.sessions.end(first.sessionHash, NOW + 7), true);
      assert.deepEqual((await store.backChannelLogout.listForSession(first.sessionId)).map((delivery) => delivery.clientId).sort(), [bystander.clientId, client.clientId].sort());
      assert.deepEqual(await store.consents.revoke(user.userId, client.clientId, NOW + 8), { consentRemoved: false, familiesRevoked: 0, codesDeleted: 0, logoutsQueued: 0 });
    });

    it("turns the client's approved, unredeemed device codes for the user to denied, and no one else's", async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const other = aUser();
      await store.users.create(other);
      const approval = (owner: typeof user) => ({ userId: owner.userId, sessionId: 'session-1', authTime: NOW, apiScope: '' });
      const [approved, pending, othersApproval] = [aDeviceAuthorization(client), aDeviceAuthorization(client), aDeviceAuthorization(client)];
      for (const authorization of [approved, pending, othersApproval]) await store.deviceAuthorizations.create(authorization);
      assert.ok(await store.deviceAuthorizations.approve(approved.deviceCodeHash, approval(user), NOW));
      assert.ok(await store.deviceAuthorizations.approve(othersApproval.deviceCodeHash, approval(other), NOW));

      assert.equal((await store.consents.revoke(user.userId, client.clientId, NOW + 1)).codesDeleted, 1);
      assert.equal(await store.deviceAuthorizations.redeem(approved.deviceCodeHash, client.clientId, NOW + 2), undefined);
      assert.equal((await store.deviceAuthorizations.findByDeviceCode(approved.deviceCodeHash))?.status, 'denied');
      assert.equal((await store.deviceAuthorizations.findByDeviceCode(pending.deviceCodeHash))?.status, 'pending');
      assert.equal((await store.deviceAuthorizations.redeem(othersApproval.deviceCodeHash, client.clientId, NOW + 2))?.status, 'redeemed');
    });

    it('stores an account sign-in: an interaction without an authorization request', async () => {
      const { store } = current();
      const interaction = anInteraction({ request: null });
      await store.interactions.create(interaction);
      assert.deepEqual(await store.interactions.findLive(interaction.interactionHash, NOW), interaction);
    });

    it("lists a user's live sessions newest first and ends one by id only for its own user", async () => {
      const { store } = current();
      const user = aUser();
      const other = aUser();
      await store.users.create(user);
      await store.users.create(other);
      const older = aSession(user, { createdAt: NOW - 10, ip: '192.0.2.1', userAgent: 'curl/8' });
      const newer = aSession(user, { createdAt: NOW });
      const expired = aSession(user, { idleExpiresAt: NOW - 1 });
      const theirs = aSession(other);
      for (const session of [older, newer, expired, theirs]) await store.sessions.create(session);
      assert.deepEqual(await store.sessions.listLiveForUser(user.userId, NOW), [newer, older]);
      assert.equal(await store.sessions.endById(user.userId, theirs.sessionId, NOW), false, "another user's session");
      assert.equal(await store.sessions.endById(user.userId, expired.sessionId, NOW), false, 'an expired session');
      assert.equal(await store.sessions.endById(user.userId, older.sessionId, NOW), true);
      assert.equal(await store.sessions.endById(user.userId, older.sessionId, NOW), false, 'already ended');
      assert.deepEqual(await store.sessions.listLiveForUser(user.userId, NOW), [newer]);
      assert.ok(await store.sessions.findLive(theirs.sessionHash, NOW));
    });
  });
});
