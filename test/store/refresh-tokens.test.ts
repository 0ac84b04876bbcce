// Store contract, refresh tokens: families, rotation outcomes at the passed-in clock, retry responses, and revocation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RefreshTokenRecord, TokenFamilyRecord } from '../../src/store/records.js';
import type { RefreshRetryResponse, RefreshTokenRotation } from '../../src/store/records.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aFamily, aRefreshToken, NOW, seedClientAndUser, seedFamily } from './fixtures.js';

const ORIGIN = { ip: '192.0.2.7', userAgent: 'first-app/1.0' };
const FAMILY_CONTEXT = { network: '192.0.2.0/24', userAgent: 'digest-a' };
const RETRY: RefreshRetryResponse = { retryUntil: NOW + 6, fingerprint: 'fingerprint-1', encryptedResponse: 'v1.kek.iv.tag.ciphertext' };

function aRotation(token: RefreshTokenRecord, family: TokenFamilyRecord, overrides: Partial<RefreshTokenRotation> = {}): RefreshTokenRotation {
  return { tokenHash: token.tokenHash, successor: aRefreshToken(family), firstUse: ORIGIN, retry: RETRY, now: NOW + 1, ...overrides };
}

forEachEngine((engine) => {
  describe('refresh tokens', () => {
    const current = useTestStore(engine);

    it('stores a family and a token and finds them, field for field', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      assert.deepEqual(await store.refreshTokens.findFamily(family.familyId), family);
      assert.deepEqual(await store.refreshTokens.findByHash(token.tokenHash), token);
      assert.equal(await store.refreshTokens.findFamily('nobody'), undefined);
      assert.equal(await store.refreshTokens.findByHash('nobody'), undefined);
    });

    it('allows one family per authorization code', async () => {
      const { store } = current();
      const { client, user, family } = await seedFamily(store);
      await assert.rejects(store.refreshTokens.createFamily(aFamily(client, user, { authorizationCodeHash: family.authorizationCodeHash })), {
        name: 'DuplicateError',
        field: 'authorization_code_hash',
      });
    });

    it('refuses a token whose family does not exist', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      await assert.rejects(store.refreshTokens.create(aRefreshToken(aFamily(client, user))));
    });

    it('rotates a live token once, inserting the successor; the next presentation is replayed with the first use and retry', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      const rotation = aRotation(token, family);
      assert.deepEqual(await store.refreshTokens.rotate(rotation), { outcome: 'redeemed', record: { ...token, rotatedAt: NOW + 1 } });
      assert.deepEqual(await store.refreshTokens.findByHash(rotation.successor.tokenHash), rotation.successor);
      const again = aRotation(token, family, { now: NOW + 2, firstUse: { ip: '198.51.100.1', userAgent: 'other' } });
      assert.deepEqual(await store.refreshTokens.rotate(again), {
        outcome: 'replayed',
        record: { ...token, rotatedAt: NOW + 1 },
        firstUse: ORIGIN,
        retry: RETRY,
      });
      assert.equal(await store.refreshTokens.findByHash(again.successor.tokenHash), undefined, 'a loser writes no successor');
    });

    it('stores a family\'s context, with or without a network, and finds it field for field', async () => {
      const { store } = current();
      for (const context of [FAMILY_CONTEXT, { network: null, userAgent: 'digest-of-nothing' }]) {
        const { family } = await seedFamily(store, { family: { context } });
        assert.deepEqual((await store.refreshTokens.findFamily(family.familyId))?.context, context);
      }
    });

    it('moves the family to the winning rotation\'s context; a rotation without one, or a loser, leaves it', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store, { family: { context: FAMILY_CONTEXT } });
      const moved = { network: '198.51.100.0/24', userAgent: 'digest-b' };
      const winner = aRotation(token, family, { familyContext: moved });
      assert.equal((await store.refreshTokens.rotate(winner)).outcome, 'redeemed');
      assert.deepEqual((await store.refreshTokens.findFamily(family.familyId))?.context, moved);
      const loser = aRotation(token, family, { now: NOW + 2, familyContext: FAMILY_CONTEXT });
      assert.equal((await store.refreshTokens.rotate(loser)).outcome, 'replayed');
      assert.deepEqual((await store.refreshTokens.findFamily(family.familyId))?.context, moved, 'a loser moves nothing');
      assert.equal((await store.refreshTokens.rotate(aRotation(winner.successor, family, { now: NOW + 3 }))).outcome, 'redeemed');
      assert.deepEqual((await store.refreshTokens.findFamily(family.familyId))?.context, moved, 'no context given: unchanged');
    });

    it('keeps nothing for a retry when the rotation brings none (window off)', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      await store.refreshTokens.rotate(aRotation(token, family, { retry: null }));
      const replay = await store.refreshTokens.rotate(aRotation(token, family, { now: NOW + 2 }));
      assert.equal(replay.outcome, 'replayed');
      assert.equal(replay.outcome === 'replayed' && replay.retry, null);
    });

    it('treats a token as idle-expired from its expiresAt on', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      const other = aRefreshToken(family);
      await store.refreshTokens.create(other);
      assert.equal((await store.refreshTokens.rotate(aRotation(other, family, { now: other.expiresAt - 1 }))).outcome, 'redeemed');
      assert.deepEqual(await store.refreshTokens.rotate(aRotation(token, family, { now: token.expiresAt })), { outcome: 'expired', record: token });
    });

    it('treats a token as expired when its family passed its absolute expiry', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store, { family: { expiresAt: NOW + 100 }, token: { expiresAt: NOW + 3600 } });
      assert.equal((await store.refreshTokens.rotate(aRotation(token, family, { now: NOW + 100 }))).outcome, 'expired');
      assert.equal((await store.refreshTokens.findByHash(token.tokenHash))?.rotatedAt, null);
    });

    it('reports a token of a revoked family as replayed without a first use, and leaves it unrotated', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'refresh_token_reused', NOW), true);
      assert.deepEqual(await store.refreshTokens.rotate(aRotation(token, family)), { outcome: 'replayed', record: token, firstUse: null, retry: null });
    });

    it('reports an unknown hash as unknown', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      assert.deepEqual(await store.refreshTokens.rotate(aRotation({ ...token, tokenHash: 'no-such-hash' }, family)), { outcome: 'unknown' });
    });

    it('purges retry responses whose window ended, and only those', async () => {
      const { store } = current();
      const first = await seedFamily(store);
      const second = await seedFamily(store);
      await store.refreshTokens.rotate(aRotation(first.token, first.family, { retry: { ...RETRY, retryUntil: NOW + 5 } }));
      await store.refreshTokens.rotate(aRotation(second.token, second.family, { retry: { ...RETRY, retryUntil: NOW + 9 } }));
      assert.equal(await store.refreshTokens.purgeRetryResponses(NOW + 5), 0, 'the last second of a window is still inside it');
      assert.equal(await store.refreshTokens.purgeRetryResponses(NOW + 6), 1);
      const purged = await store.refreshTokens.rotate(aRotation(first.token, first.family, { now: NOW + 6 }));
      assert.deepEqual(purged.outcome === 'replayed' && [purged.retry, purged.firstUse], [null, ORIGIN], 'the first use outlives the window');
      const kept = await store.refreshTokens.rotate(aRotation(second.token, second.family, { now: NOW + 6 }));
      assert.equal(kept.outcome === 'replayed' && kept.retry?.retryUntil, NOW + 9);
    });

    it('revokes a family once, with its reason, dropping its retry responses', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      await store.refreshTokens.rotate(aRotation(token, family));
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'logout', NOW + 3), true);
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'again', NOW + 4), false);
      assert.equal(await store.refreshTokens.revokeFamily('nobody', 'x', NOW), false);
      assert.deepEqual(await store.refreshTokens.findFamily(family.familyId), { ...family, revokedAt: NOW + 3, revokedReason: 'logout' });
      assert.equal(await store.refreshTokens.purgeRetryResponses(NOW + 1000), 0, 'nothing left to purge');
    });

    it('revokes the family issued from a replayed code and returns it; undefined when the code issued none', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      await store.refreshTokens.rotate(aRotation(token, family));
      const revoked = await store.refreshTokens.revokeFamilyByCode(family.authorizationCodeHash, 'code_replayed', NOW + 9);
      assert.deepEqual(revoked, { ...family, revokedAt: NOW + 9, revokedReason: 'code_replayed' });
      assert.equal(await store.refreshTokens.purgeRetryResponses(NOW + 1000), 0, 'its retry responses went with it');
      const again = await store.refreshTokens.revokeFamilyByCode(family.authorizationCodeHash, 'later', NOW + 10);
      assert.deepEqual(again, revoked, 'a second revocation keeps the first time and reason');
      assert.equal(await store.refreshTokens.revokeFamilyByCode('no-such-code', 'code_replayed', NOW), undefined);
    });
  });
});
