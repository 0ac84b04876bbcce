// Store contract, sessions: live lookups at the passed-in clock, idle extension capped by the absolute expiry, ending.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aSession, aUser, NOW } from './fixtures.js';

forEachEngine((engine) => {
  describe('sessions', () => {
    const current = useTestStore(engine);

    async function storedSession(overrides: Parameters<typeof aSession>[1] = {}) {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      const session = aSession(user, overrides);
      await store.sessions.create(session);
      return session;
    }

    it('finds a live session by hash, field for field', async () => {
      const session = await storedSession();
      assert.deepEqual(await current().store.sessions.findLive(session.sessionHash, NOW), session);
      assert.equal(await current().store.sessions.findLive('no-such-hash', NOW), undefined);
    });

    it('is live until one second before its idle expiry', async () => {
      const session = await storedSession({ idleExpiresAt: NOW + 100 });
      assert.ok(await current().store.sessions.findLive(session.sessionHash, NOW + 99));
      assert.equal(await current().store.sessions.findLive(session.sessionHash, NOW + 100), undefined);
    });

    it('is not live from its absolute expiry on, even when idle expiry is later', async () => {
      const session = await storedSession({ idleExpiresAt: NOW + 500, absoluteExpiresAt: NOW + 200 });
      assert.ok(await current().store.sessions.findLive(session.sessionHash, NOW + 199));
      assert.equal(await current().store.sessions.findLive(session.sessionHash, NOW + 200), undefined);
    });

    it('extends the idle expiry on touch and records when it was last seen', async () => {
      const session = await storedSession({ idleExpiresAt: NOW + 100 });
      await current().store.sessions.touch(session.sessionHash, NOW + 90, NOW + 190);
      const touched = await current().store.sessions.findLive(session.sessionHash, NOW + 150);
      assert.deepEqual(touched, { ...session, lastSeenAt: NOW + 90, idleExpiresAt: NOW + 190 });
    });

    it('caps the idle expiry at the absolute expiry', async () => {
      const session = await storedSession({ idleExpiresAt: NOW + 100, absoluteExpiresAt: NOW + 150 });
      await current().store.sessions.touch(session.sessionHash, NOW + 90, NOW + 400);
      assert.equal((await current().store.sessions.findLive(session.sessionHash, NOW + 91))?.idleExpiresAt, NOW + 150);
    });

    it('ends a session once; an ended session is not live and touching it does nothing', async () => {
      const session = await storedSession();
      assert.equal(await current().store.sessions.end(session.sessionHash, NOW + 5), true);
      assert.equal(await current().store.sessions.end(session.sessionHash, NOW + 6), false);
      assert.equal(await current().store.sessions.end('no-such-hash', NOW), false);
      await current().store.sessions.touch(session.sessionHash, NOW + 7, NOW + 1000);
      assert.equal(await current().store.sessions.findLive(session.sessionHash, NOW + 8), undefined);
    });

    it('refuses a second session with the same public session id', async () => {
      const session = await storedSession();
      const user = aUser();
      await current().store.users.create(user);
      await assert.rejects(current().store.sessions.create(aSession(user, { sessionId: session.sessionId })), {
        name: 'DuplicateError',
        field: 'session_id',
      });
    });
  });
});
