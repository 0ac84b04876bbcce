// Store contract, sweep batches and slices: sessions, refresh tokens and families that no request can use go; a batch
// removes at most `limit` rows, a slice examines at most its `rows`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import type { SweptSession } from '../../src/store/records.js';
import type { SliceSwept, SweepSlice } from '../../src/store/store.js';
import { aCode, aFamily, anInteraction, aRefreshToken, aSession, NOW, seedClientAndUser, seedFamily, uniqueId } from './fixtures.js';

const ALL = 100;
const WHOLE: SweepSlice = { after: null, rows: ALL };

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
      assert.deepEqual([...(await store.sessions.deleteExpired(NOW, WHOLE)).removed].sort(byEnd), expected.sort(byEnd));
      assert.deepEqual(await store.sessions.deleteExpired(NOW, WHOLE), { removed: [], next: null });
      assert.ok(await store.sessions.findLive(kept[0]!.sessionHash, NOW - 1));
      assert.equal(await countRows(current(), 'sessions'), kept.length);
    });

    it('deletes refresh tokens past their idle expiry strictly before the given time, and those of a family expired or revoked with it', async () => {
      const { store } = current();
      const { family: liveFamily, token: liveToken } = await seedFamily(store, { token: { expiresAt: NOW } });
      const rotated = aRefreshToken(liveFamily, { rotatedAt: NOW - 50, expiresAt: NOW + 10 });
      const idleExpired = aRefreshToken(liveFamily, { expiresAt: NOW - 1 });
      for (const token of [rotated, idleExpired]) await store.refreshTokens.create(token);
      const { token: ofExpiredFamily } = await seedFamily(store, { family: { expiresAt: NOW - 1 }, token: { expiresAt: NOW + 10 } });
      const { token: ofRevokedFamily } = await seedFamily(store, { family: { revokedAt: NOW - 1, revokedReason: 'test' }, token: { expiresAt: NOW + 10 } });
      const { token: ofJustRevokedFamily } = await seedFamily(store, { family: { revokedAt: NOW, revokedReason: 'test' }, token: { expiresAt: NOW + 10 } });

      assert.deepEqual(await store.refreshTokens.deleteExpired(NOW, WHOLE), { removed: 1, next: null });
      assert.equal(await store.refreshTokens.findByHash(idleExpired.tokenHash), undefined);
      assert.deepEqual(await store.refreshTokens.deleteExpired(NOW, WHOLE), { removed: 0, next: null });
      assert.deepEqual(await store.refreshTokens.deleteExpiredFamilies(NOW, WHOLE), { removed: 2, next: null });
      for (const token of [ofExpiredFamily, ofRevokedFamily]) assert.equal(await store.refreshTokens.findByHash(token.tokenHash), undefined);
      for (const token of [liveToken, rotated, ofJustRevokedFamily]) assert.ok(await store.refreshTokens.findByHash(token.tokenHash));
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
      assert.deepEqual(await store.refreshTokens.deleteExpiredFamilies(NOW, WHOLE), { removed: gone.length, next: null });
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
        await store.loginThrottle.recordFailure(uniqueId('ip'), NOW - 2000, 900);
      }
      const batches: ReadonlyArray<readonly [string, (limit: number) => Promise<number>]> = [
        ['authorization codes', (limit) => store.authorizationCodes.deleteExpired(NOW, limit)],
        ['interactions', (limit) => store.interactions.deleteExpired(NOW, limit)],
        ['login throttle keys', (limit) => store.loginThrottle.deleteStale(NOW, limit)],
      ];
      for (const [name, batch] of batches) {
        assert.deepEqual([await batch(2), await batch(2), await batch(2)], [2, 1, 0], name);
      }
    });

    // Keys of one prefix and lowercase letters sort the same in every collation, so the slices are known in advance.
    const KEYS = ['slice-a', 'slice-b', 'slice-c', 'slice-d', 'slice-e'] as const;
    const EXPIRED = new Set(['slice-a', 'slice-c', 'slice-d']);
    const SLICES_OF_TWO = [{ removed: 1, next: 'slice-b' }, { removed: 2, next: 'slice-d' }, { removed: 0, next: null }];

    async function walkSlices(sweep: (slice: SweepSlice) => Promise<SliceSwept<number>>): Promise<SliceSwept<number>[]> {
      const walked: SliceSwept<number>[] = [];
      for (let after: string | null = null; walked.length === 0 || after !== null; after = walked.at(-1)!.next) {
        walked.push(await sweep({ after, rows: 2 }));
      }
      return walked;
    }

    it('sweeps sessions slice by slice in key order, each call examining only its slice', async () => {
      const { store } = current();
      const { user } = await seedClientAndUser(store);
      for (const key of KEYS) await store.sessions.create(aSession(user, { sessionHash: key, endedAt: EXPIRED.has(key) ? NOW - 1 : null }));
      assert.deepEqual(await walkSlices(async (slice) => {
        const swept = await store.sessions.deleteExpired(NOW, slice);
        return { removed: swept.removed.length, next: swept.next };
      }), SLICES_OF_TWO);
      assert.equal(await countRows(current(), 'sessions'), KEYS.length - EXPIRED.size);
    });

    it('sweeps refresh tokens slice by slice in key order, each call examining only its slice', async () => {
      const { store } = current();
      const { family } = await seedFamily(store, { token: { tokenHash: 'slice-0-live', expiresAt: NOW + 10 } });
      for (const key of KEYS) await store.refreshTokens.create(aRefreshToken(family, { tokenHash: key, expiresAt: EXPIRED.has(key) ? NOW - 1 : NOW + 10 }));
      // The seeded token sorts first, so slices of two end at a, c and e; an empty last slice says the table ended.
      assert.deepEqual(await walkSlices((slice) => store.refreshTokens.deleteExpired(NOW, slice)), [
        { removed: 1, next: 'slice-a' },
        { removed: 1, next: 'slice-c' },
        { removed: 1, next: 'slice-e' },
        { removed: 0, next: null },
      ]);
      assert.equal(await countRows(current(), 'refresh_tokens'), 1 + KEYS.length - EXPIRED.size);
    });

    it('sweeps token families slice by slice in key order, each call examining only its slice', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      for (const key of KEYS) await store.refreshTokens.createFamily(aFamily(client, user, { familyId: key, expiresAt: EXPIRED.has(key) ? NOW - 1 : NOW + 10 }));
      assert.deepEqual(await walkSlices((slice) => store.refreshTokens.deleteExpiredFamilies(NOW, slice)), SLICES_OF_TWO);
      assert.equal(await countRows(current(), 'token_families'), KEYS.length - EXPIRED.size);
    });
  });
});

async function countRows(database: TestStore, table: string): Promise<number> {
  return Number((await database.sql(`select count(*) as n from ${table}`))[0]?.n);
}
