// Store contract, device authorizations (RFC 8628): round trip, decided once, redeemed once by its own client.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuplicateError } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aDeviceAuthorization, aSession, aUser, NOW } from './fixtures.js';

const CONCURRENT_REDEMPTIONS = 20;

forEachEngine((engine) => {
  describe('device authorizations', () => {
    const current = useTestStore(engine);

    async function seeded() {
      const { store } = current();
      const client = aClient();
      const user = aUser();
      await store.clients.create(client);
      await store.users.create(user);
      const approval = { userId: user.userId, sessionId: 'session-1', authTime: NOW - 5, apiScope: 'https://api.example/#read' };
      return { store, client, user, approval };
    }

    it('round-trips field for field, found by user code only while pending and live', async () => {
      const { store, client, approval } = await seeded();
      const authorization = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(authorization);
      assert.deepEqual(await store.deviceAuthorizations.findByDeviceCode(authorization.deviceCodeHash), authorization);
      assert.deepEqual(await store.deviceAuthorizations.findPendingByUserCode(authorization.userCodeHash, NOW), authorization);
      assert.equal(await store.deviceAuthorizations.findPendingByUserCode(authorization.userCodeHash, NOW + 600), undefined);
      assert.ok(await store.deviceAuthorizations.approve(authorization.deviceCodeHash, approval, NOW));
      assert.equal(await store.deviceAuthorizations.findPendingByUserCode(authorization.userCodeHash, NOW), undefined);
      const approved = await store.deviceAuthorizations.findByDeviceCode(authorization.deviceCodeHash);
      assert.deepEqual(approved, { ...authorization, status: 'approved', approval });
    });

    it('refuses a user code already taken', async () => {
      const { store, client } = await seeded();
      const first = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(first);
      await assert.rejects(store.deviceAuthorizations.create(aDeviceAuthorization(client, { userCodeHash: first.userCodeHash })), (error: unknown) =>
        error instanceof DuplicateError && error.field === 'user_code_hash');
    });

    it('is decided once, and not after expiry', async () => {
      const { store, client, approval } = await seeded();
      const authorization = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(authorization);
      assert.ok(await store.deviceAuthorizations.deny(authorization.deviceCodeHash, NOW));
      assert.equal(await store.deviceAuthorizations.approve(authorization.deviceCodeHash, approval, NOW), false);
      assert.equal((await store.deviceAuthorizations.findByDeviceCode(authorization.deviceCodeHash))?.status, 'denied');
      const late = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(late);
      assert.equal(await store.deviceAuthorizations.approve(late.deviceCodeHash, approval, NOW + 600), false);
    });

    it('records polls, on time after the interval, else growing it; only while pending', async () => {
      const { store, client, approval } = await seeded();
      const authorization = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(authorization);
      const { deviceCodeHash } = authorization;
      assert.deepEqual(await store.deviceAuthorizations.recordPoll(deviceCodeHash, NOW + 1, 5), { onTime: true, interval: 5 });
      assert.deepEqual(await store.deviceAuthorizations.recordPoll(deviceCodeHash, NOW + 2, 5), { onTime: false, interval: 10 });
      const polled = await store.deviceAuthorizations.findByDeviceCode(deviceCodeHash);
      assert.equal(polled?.lastPolledAt, NOW + 2);
      assert.equal(polled?.interval, 10);
      assert.deepEqual(await store.deviceAuthorizations.recordPoll(deviceCodeHash, NOW + 11, 5), { onTime: false, interval: 15 });
      assert.deepEqual(await store.deviceAuthorizations.recordPoll(deviceCodeHash, NOW + 26, 5), { onTime: true, interval: 15 });
      await store.deviceAuthorizations.approve(deviceCodeHash, approval, NOW + 27);
      assert.equal(await store.deviceAuthorizations.recordPoll(deviceCodeHash, NOW + 100, 5), undefined);
    });

    it('finds at most one of concurrent polls on time', async () => {
      const { store, client } = await seeded();
      const authorization = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(authorization);
      const polls = await Promise.all(Array.from({ length: CONCURRENT_REDEMPTIONS }, () => store.deviceAuthorizations.recordPoll(authorization.deviceCodeHash, NOW, 5)));
      assert.equal(polls.filter((poll) => poll?.onTime === true).length, 1);
      assert.equal((await store.deviceAuthorizations.findByDeviceCode(authorization.deviceCodeHash))?.interval, 5 + 5 * (CONCURRENT_REDEMPTIONS - 1));
    });

    it(`redeems an approved authorization once among ${CONCURRENT_REDEMPTIONS} concurrent callers, never for another client`, async () => {
      const { store, client, approval } = await seeded();
      const other = aClient();
      await store.clients.create(other);
      const authorization = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(authorization);
      assert.equal(await store.deviceAuthorizations.redeem(authorization.deviceCodeHash, client.clientId, NOW), undefined, 'pending is not redeemable');
      await store.deviceAuthorizations.approve(authorization.deviceCodeHash, approval, NOW);
      assert.equal(await store.deviceAuthorizations.redeem(authorization.deviceCodeHash, other.clientId, NOW), undefined);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_REDEMPTIONS }, () => store.deviceAuthorizations.redeem(authorization.deviceCodeHash, client.clientId, NOW)),
      );
      const winners = results.filter((result) => result !== undefined);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.status, 'redeemed');
      assert.deepEqual(winners[0]?.approval, approval);
    });

    it("is withdrawn (denied) while approved and unredeemed when its session ends, its user's password changes or the consent goes", async () => {
      const { store, client, user } = await seeded();
      const session = aSession(user);
      await store.sessions.create(session);
      const approveIn = async (sessionId: string) => {
        const authorization = aDeviceAuthorization(client);
        await store.deviceAuthorizations.create(authorization);
        await store.deviceAuthorizations.approve(authorization.deviceCodeHash, { userId: user.userId, sessionId, authTime: NOW, apiScope: '' }, NOW);
        return authorization.deviceCodeHash;
      };
      const statusOf = async (deviceCodeHash: string) => (await store.deviceAuthorizations.findByDeviceCode(deviceCodeHash))?.status;
      const pending = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(pending);
      const inOtherSession = await approveIn('another-session');
      const redeemed = await approveIn(session.sessionId);
      assert.ok(await store.deviceAuthorizations.redeem(redeemed, client.clientId, NOW));
      const approved = await approveIn(session.sessionId);

      assert.ok(await store.sessions.end(session.sessionHash, NOW + 1));
      assert.equal(await statusOf(approved), 'denied');
      assert.equal(await statusOf(inOtherSession), 'approved', "only the ended session's approvals");
      assert.equal(await statusOf(redeemed), 'redeemed', 'a redeemed code stays redeemed');
      assert.equal(await statusOf(pending.deviceCodeHash), 'pending', 'nothing undecided is decided');
      await store.users.changePassword(user.userId, 'new-hash', NOW + 2);
      assert.equal(await statusOf(inOtherSession), 'denied');
      const afterPassword = await approveIn('a-third-session');
      assert.equal((await store.consents.revoke(user.userId, client.clientId, NOW + 3)).codesDeleted, 1);
      assert.equal(await statusOf(afterPassword), 'denied');
    });

    it('goes with its client and with its approving user', async () => {
      const { store, client, user, approval } = await seeded();
      const approved = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(approved);
      await store.deviceAuthorizations.approve(approved.deviceCodeHash, approval, NOW);
      await store.users.delete(user.userId);
      assert.equal(await store.deviceAuthorizations.findByDeviceCode(approved.deviceCodeHash), undefined);
      const pending = aDeviceAuthorization(client);
      await store.deviceAuthorizations.create(pending);
      await store.clients.delete(client.clientId);
      assert.equal(await store.deviceAuthorizations.findByDeviceCode(pending.deviceCodeHash), undefined);
    });
  });
});
