// Store contract, back-channel logout: participants, the outbox filled when sessions end, exclusive claims, outcomes, sweeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClientRecord, SessionRecord, UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aSession, aUser, NOW } from './fixtures.js';

const RECEIVER = 'https://rp.example/backchannel';

forEachEngine((engine) => {
  describe('back-channel logout', () => {
    const current = useTestStore(engine);

    /** A user with a live session in which `clients` took part. */
    async function sessionWith(store: Store, clients: readonly ClientRecord[]): Promise<{ user: UserRecord; session: SessionRecord }> {
      const user = aUser();
      await store.users.create(user);
      const session = aSession(user);
      await store.sessions.create(session);
      for (const client of clients) await store.backChannelLogout.recordParticipant(session.sessionId, client.clientId, NOW);
      return { user, session };
    }

    async function aStoredClient(store: Store, backchannelLogoutUri: string | null = RECEIVER): Promise<ClientRecord> {
      const client = aClient({ backchannelLogoutUri });
      await store.clients.create(client);
      return client;
    }

    it('queues one delivery per participating client with a back-channel URI when the session ends', async () => {
      const { store } = current();
      const notified = await aStoredClient(store);
      const silent = await aStoredClient(store, null);
      const { user, session } = await sessionWith(store, [notified, silent]);
      await store.backChannelLogout.recordParticipant(session.sessionId, notified.clientId, NOW + 5);
      assert.equal(await store.sessions.end(session.sessionHash, NOW + 10), true);
      const deliveries = await store.backChannelLogout.listForSession(session.sessionId);
      assert.deepEqual(deliveries, [
        {
          sessionId: session.sessionId,
          clientId: notified.clientId,
          userId: user.userId,
          backchannelLogoutUri: RECEIVER,
          createdAt: NOW + 10,
          attempts: 0,
          nextAttemptAt: NOW + 10,
          leaseId: null,
          leaseUntil: null,
          finishedAt: null,
          outcome: null,
        },
      ]);
      assert.equal(await store.sessions.end(session.sessionHash, NOW + 20), false, 'ending again queues nothing more');
      assert.equal((await store.backChannelLogout.listForSession(session.sessionId)).length, 1);
    });

    it('queues the deliveries of every session a password change or disabling ends', async () => {
      const { store } = current();
      const client = await aStoredClient(store);
      const { user, session } = await sessionWith(store, [client]);
      await store.users.disable(user.userId, NOW + 1);
      assert.equal((await store.backChannelLogout.listForSession(session.sessionId)).length, 1);
      const second = await sessionWith(store, [client]);
      await store.users.changePassword(second.user.userId, 'new-hash', NOW + 1);
      assert.equal((await store.backChannelLogout.listForSession(second.session.sessionId)).length, 1);
    });

    it('lets exactly one of several concurrent claimers take a due delivery, and none before its lease runs out', async () => {
      const { store } = current();
      const { session } = await sessionWith(store, [await aStoredClient(store)]);
      await store.sessions.end(session.sessionHash, NOW);
      const claims = await Promise.all(['a', 'b', 'c', 'd'].map((leaseId) => store.backChannelLogout.claimDue(NOW, leaseId, NOW + 60, 10)));
      const winners = claims.filter((claimed) => claimed.some((delivery) => delivery.sessionId === session.sessionId));
      assert.equal(winners.length, 1);
      assert.equal(winners[0]![0]!.attempts, 1);
      assert.deepEqual(await store.backChannelLogout.claimDue(NOW + 59, 'e', NOW + 120, 10), [], 'still leased');
      const reclaimed = await store.backChannelLogout.claimDue(NOW + 60, 'f', NOW + 120, 10);
      assert.deepEqual(reclaimed.map((delivery) => [delivery.leaseId, delivery.attempts]), [['f', 2]], 'a lost instance\'s lease runs out');
    });

    it('records an outcome only for the lease holder, and retries only when due', async () => {
      const { store } = current();
      const client = await aStoredClient(store);
      const { session } = await sessionWith(store, [client]);
      await store.sessions.end(session.sessionHash, NOW);
      await store.backChannelLogout.claimDue(NOW, 'holder', NOW + 60, 10);
      const retry = { kind: 'retry', outcome: 'http_500', nextAttemptAt: NOW + 5 } as const;
      assert.equal(await store.backChannelLogout.recordOutcome(session.sessionId, client.clientId, 'other', retry), false);
      assert.equal(await store.backChannelLogout.recordOutcome(session.sessionId, client.clientId, 'holder', retry), true);
      assert.deepEqual(await store.backChannelLogout.claimDue(NOW + 4, 'next', NOW + 60, 10), []);
      assert.equal((await store.backChannelLogout.claimDue(NOW + 5, 'next', NOW + 60, 10)).length, 1);
      const delivered = { kind: 'delivered', outcome: 'delivered', now: NOW + 6 } as const;
      assert.equal(await store.backChannelLogout.recordOutcome(session.sessionId, client.clientId, 'next', delivered), true);
      const [row] = await store.backChannelLogout.listForSession(session.sessionId);
      assert.deepEqual([row?.finishedAt, row?.outcome, row?.attempts, row?.leaseId], [NOW + 6, 'delivered', 2, null]);
      assert.deepEqual(await store.backChannelLogout.claimDue(NOW + 1000, 'late', NOW + 2000, 10), [], 'finished rows are never claimed');
    });

    it('sweeps finished deliveries in batches, and forgets the participants of a session as the session is swept', async () => {
      const { store } = current();
      const client = await aStoredClient(store);
      const { session } = await sessionWith(store, [client]);
      const { session: live } = await sessionWith(store, [client]);
      await store.sessions.end(session.sessionHash, NOW);
      await store.backChannelLogout.claimDue(NOW, 'holder', NOW + 60, 10);
      await store.backChannelLogout.recordOutcome(session.sessionId, client.clientId, 'holder', { kind: 'failed', outcome: 'timeout', now: NOW });
      assert.equal(await store.backChannelLogout.deleteFinished(NOW, 10), 0, 'kept until `before`');
      await store.sessions.deleteExpired(NOW + 1, { after: null, rows: 500 });
      assert.deepEqual(await participantsOf(session), [], 'the swept session');
      assert.deepEqual(await participantsOf(live), [client.clientId], 'a live session');
      assert.equal(await store.backChannelLogout.deleteFinished(NOW + 1, 10), 1);
      assert.deepEqual(await store.backChannelLogout.listForSession(session.sessionId), []);
    });

    it('forgets the participants of a user\'s sessions when the user is deleted', async () => {
      const { store } = current();
      const client = await aStoredClient(store);
      const { user, session } = await sessionWith(store, [client]);
      const { session: someoneElses } = await sessionWith(store, [client]);
      assert.equal(await store.users.delete(user.userId), true);
      assert.deepEqual(await participantsOf(session), []);
      assert.deepEqual(await participantsOf(someoneElses), [client.clientId]);
    });

    async function participantsOf(session: SessionRecord): Promise<unknown[]> {
      const rows = await current().sql(`select client_id from session_clients where session_id = '${session.sessionId}'`);
      return rows.map((row) => row.client_id);
    }
  });
});
