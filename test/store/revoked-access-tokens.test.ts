// Store contract, the access token deny list: one entry per jti, the first kept, swept in batches once expired.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepExpiredState } from '../../src/maintenance/sweeper.js';
import type { RevokedAccessTokenRecord } from '../../src/store/records.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { NOW, uniqueId } from './fixtures.js';

function anEntry(overrides: Partial<RevokedAccessTokenRecord> = {}): RevokedAccessTokenRecord {
  return { tokenId: uniqueId('jti'), clientId: 'client-1', revokedAt: NOW, expiresAt: NOW + 600, ...overrides };
}

forEachEngine((engine) => {
  describe('revoked access tokens', () => {
    const current = useTestStore(engine);

    it('adds a jti once: it is revoked from then on, and adding it again keeps the first entry', async () => {
      const { store } = current();
      const entry = anEntry();
      assert.equal(await store.revokedAccessTokens.isRevoked(entry.tokenId), false);
      assert.equal(await store.revokedAccessTokens.add(entry), true);
      assert.equal(await store.revokedAccessTokens.isRevoked(entry.tokenId), true);
      assert.equal(await store.revokedAccessTokens.add({ ...entry, revokedAt: NOW + 5, expiresAt: NOW + 1 }), false);
      // The first entry's expiry stands: a second revocation cannot shorten its life on the list.
      assert.equal(await store.revokedAccessTokens.deleteExpired(NOW + 2, 100), 0);
      assert.equal(await store.revokedAccessTokens.isRevoked('another-jti'), false);
    });

    it('of concurrent revocations of one jti, exactly one adds it', async () => {
      const { store } = current();
      const entry = anEntry();
      const added = await Promise.all(Array.from({ length: 5 }, () => store.revokedAccessTokens.add(entry)));
      assert.equal(added.filter(Boolean).length, 1);
    });

    it('deletes entries that expired strictly before the given time, at most `limit` per call', async () => {
      const { store } = current();
      const kept = anEntry({ expiresAt: NOW });
      const gone = [anEntry({ expiresAt: NOW - 1 }), anEntry({ expiresAt: NOW - 100 }), anEntry({ expiresAt: NOW - 5 })];
      for (const entry of [kept, ...gone]) await store.revokedAccessTokens.add(entry);
      assert.deepEqual(
        [await store.revokedAccessTokens.deleteExpired(NOW, 2), await store.revokedAccessTokens.deleteExpired(NOW, 2), await store.revokedAccessTokens.deleteExpired(NOW, 2)],
        [2, 1, 0],
      );
      for (const entry of gone) assert.equal(await store.revokedAccessTokens.isRevoked(entry.tokenId), false);
      assert.equal(await store.revokedAccessTokens.isRevoked(kept.tokenId), true);
    });

    it('is swept with the rest of the expired state', async () => {
      const { store } = current();
      const live = anEntry({ expiresAt: NOW + 1 });
      await store.revokedAccessTokens.add(live);
      await store.revokedAccessTokens.add(anEntry({ expiresAt: NOW - 1 }));
      const policy = { accessTokenTtl: 600, loginWindow: 900, auditRetention: 0 };
      assert.equal((await sweepExpiredState(store, NOW, policy)).revokedAccessTokens, 1);
      assert.equal(await store.revokedAccessTokens.isRevoked(live.tokenId), true);
    });
  });
});
