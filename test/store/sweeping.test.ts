// Store contract, sweep batches: sessions, refresh tokens and families that no request can use go; each call removes at most `limit`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import type { SweptSession } from '../../src/store/records.js';
import { aCode, aFamily, anInteraction, aRefreshToken, aSession, NOW, seedClientAndUser, seedFamily, uniqueId } from './fixtures.js';

const ALL = 100;

forEachEngine((engine) => {
  describe('sweep batches', () => {
    const current = useTestStore(engine);

    it('deletes sessions that ended, idle-expired or absolutely expired strictly before the given time', async () => {
      const { store } = current();
      const { user } = await seedClientAndUser(store);
      const live = { endedAt: null, idleExpiresAt: NOW + 10, absoluteExpiresAt: NOW + 100 };
      const kept = [aSession(user, live), aSession(user, { ...live, endedAt: NOW }), aSession(user, { ...live, idleExpiresAt: NOW }), aSession(user, { ...live, absoluteExpiresAt: NOW })];
      const gone = [aSession(user, { ...live, endedAt: NOW - 1 }), aSession(user, { ...live, idleExpiresAt: NOW - 1 }), aSession(user, { ...live, absoluteExpiresAt: NOW - 1 })];
      for (const session of [...kept, ...gone]) await store.sessions.create(session);
      const byEnd = (a: SweptSession, b: SweptSession) => (a.endedAt ?? 0) - (b.endedAt ?? 0) || a.expiredAt - b.expiredAt;
      const expected = gone.map(({ createdAt, endedAt, idleExpiresAt, absoluteExpiresAt }) => ({ createdAt, endedAt, expiredAt: Math.min(idleExpiresAt, absoluteExpiresAt) }));
      // Each swept session says when it began and ended or expired, for the session duration metric.
      assert.deepEqual([...(await store.sessions.deleteExpired(NOW, ALL))].sort(byEnd), expected.sort(byEnd));
      assert.equal((await store.sessions.deleteExpired(NOW, ALL)).length, 0);
      assert.ok(await store.sessions.findLive(kept[0]!.sessionHash, NOW - 1));
      assert.equal(await countRows(current(), 'sessions'), kept.length);
    });

    it('deletes refresh tokens past their idle expiry, or of a family expired or revoked, strictly before the given time', async () => {
      const { store } = current();
      const { family: liveFamily, token: liveToken } = await seedFamily(store, { token: { expiresAt: NOW } });
      const rotated = aRefreshToken(liveFamily, { rotatedAt: NOW - 50, expiresAt: NOW + 10 });
      const idleExpired = aRefreshToken(liveFamily, { expiresAt: NOW - 1 });
      for (const token of [rotated, idleExpired]) await store.refreshTokens.create(token);
      const { token: ofExpiredFamily } = await seedFamily(store, { family: { expiresAt: NOW - 1 }, token: { expiresAt: NOW + 10 } });
      const { token: ofRevokedFamily } = await seedFamily(store, { family: { revokedAt: NOW - 1, revokedReason: 'test' }, token: { expiresAt: NOW + 10 } });
      const { token: ofJustRevokedFamily } = await seedFamily(store, { family: { revokedAt: NOW, revokedReason: 'test' }, token: { expiresAt: NOW + 10 } });

      assert.equal(await store.refreshTokens.deleteExpired(NOW, ALL), 3);
      for (const token of [idleExpired, ofExpiredFamily, ofRevokedFamily]) assert.equal(await store.refreshTokens.findByHash(token.tokenHash), undefined);
      for (const token of [liveToken, rotated, ofJustRevokedFamily]) assert.ok(await store.refreshTokens.findByHash(token.tokenHash));
      assert.equal(await store.refreshTokens.deleteExpired(NOW, ALL), 0);
    });

    it('deletes families that expired or were revoked, and old ones holding no refresh token, strictly before the given time', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const seed = async (overrides: Parameters<typeof aFamily>[2], tokens = 0) => {
        const family = aFamily(client, user, { createdAt: NOW - 1000, ...overrides });
        await store.refreshTokens.createFamily(family);
        for (let index = 0; index < tokens; index += 1) await store.refreshTokens.create(aRefreshToken(family, { expiresAt: NOW + 10 }));
        return family;
      };
      const gone = [
        await seed({ expiresAt: NOW - 1 }, 2),
        await seed({ revokedAt: NOW - 1, revokedReason: 'test' }, 1),
        await seed({ createdAt: NOW - 1 }),
      ];
      const kept = [
        await seed({ expiresAt: NOW }, 1),
        await seed({ revokedAt: NOW, revokedReason: 'test' }, 1),
        await seed({ createdAt: NOW }),
        await seed({}, 1),
      ];
      assert.equal(await store.refreshTokens.deleteExpiredFamilies(NOW, ALL), gone.length);
      for (const family of gone) assert.equal(await store.refreshTokens.findFamily(family.familyId), undefined);
      for (const family of kept) assert.ok(await store.refreshTokens.findFamily(family.familyId));
      assert.equal(await countRows(current(), 'refresh_tokens'), 3, 'the tokens of removed families went with them');
    });

    it('removes at most `limit` rows per call, whatever the table', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      for (let index = 0; index < 3; index += 1) {
        await store.authorizationCodes.create(aCode(client, user, { expiresAt: NOW - 1 }));
        await store.interactions.create(anInteraction({ expiresAt: NOW - 1 }));
        await store.sessions.create(aSession(user, { endedAt: NOW - 1 }));
        await store.loginThrottle.recordFailure(uniqueId('ip'), NOW - 2000, 900);
        const family = aFamily(client, user, { createdAt: NOW - 1000 });
        await store.refreshTokens.createFamily(family);
        await store.refreshTokens.create(aRefreshToken(family, { expiresAt: NOW - 1 }));
      }
      const batches: ReadonlyArray<readonly [string, (limit: number) => Promise<number>]> = [
        ['authorization codes', (limit) => store.authorizationCodes.deleteExpired(NOW, limit)],
        ['interactions', (limit) => store.interactions.deleteExpired(NOW, limit)],
        ['sessions', async (limit) => (await store.sessions.deleteExpired(NOW, limit)).length],
        ['login throttle keys', (limit) => store.loginThrottle.deleteStale(NOW, limit)],
        ['refresh tokens', (limit) => store.refreshTokens.deleteExpired(NOW, limit)],
        ['token families', (limit) => store.refreshTokens.deleteExpiredFamilies(NOW, limit)],
      ];
      for (const [name, batch] of batches) {
        assert.deepEqual([await batch(2), await batch(2), await batch(2)], [2, 1, 0], name);
      }
    });
  });
});

async function countRows(database: TestStore, table: string): Promise<number> {
  return Number((await database.sql(`select count(*) as n from ${table}`))[0]?.n);
}
