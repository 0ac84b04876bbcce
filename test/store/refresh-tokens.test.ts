// Store contract, refresh tokens: families, rotation outcomes at the passed-in clock, and revocation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aFamily, aRefreshToken, NOW, seedClientAndUser, seedFamily } from './fixtures.js';

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

    it('rotates a live token once; the next presentation is replayed', async () => {
      const { store } = current();
      const { token } = await seedFamily(store);
      assert.deepEqual(await store.refreshTokens.rotate(token.tokenHash, NOW + 1), { outcome: 'redeemed', record: { ...token, rotatedAt: NOW + 1 } });
      assert.deepEqual(await store.refreshTokens.rotate(token.tokenHash, NOW + 2), { outcome: 'replayed', record: { ...token, rotatedAt: NOW + 1 } });
    });

    it('treats a token as idle-expired from its expiresAt on', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      const other = aRefreshToken(family);
      await store.refreshTokens.create(other);
      assert.equal((await store.refreshTokens.rotate(other.tokenHash, other.expiresAt - 1)).outcome, 'redeemed');
      assert.deepEqual(await store.refreshTokens.rotate(token.tokenHash, token.expiresAt), { outcome: 'expired', record: token });
    });

    it('treats a token as expired when its family passed its absolute expiry', async () => {
      const { store } = current();
      const { token } = await seedFamily(store, { family: { expiresAt: NOW + 100 }, token: { expiresAt: NOW + 3600 } });
      assert.equal((await store.refreshTokens.rotate(token.tokenHash, NOW + 100)).outcome, 'expired');
      assert.equal((await store.refreshTokens.findByHash(token.tokenHash))?.rotatedAt, null);
    });

    it('reports a token of a revoked family as replayed and leaves it unrotated', async () => {
      const { store } = current();
      const { family, token } = await seedFamily(store);
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'refresh_token_reused', NOW), true);
      assert.deepEqual(await store.refreshTokens.rotate(token.tokenHash, NOW + 1), { outcome: 'replayed', record: token });
    });

    it('reports an unknown hash as unknown', async () => {
      const { store } = current();
      assert.deepEqual(await store.refreshTokens.rotate('no-such-hash', NOW), { outcome: 'unknown' });
    });

    it('revokes a family once, with its reason', async () => {
      const { store } = current();
      const { family } = await seedFamily(store);
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'logout', NOW + 3), true);
      assert.equal(await store.refreshTokens.revokeFamily(family.familyId, 'again', NOW + 4), false);
      assert.equal(await store.refreshTokens.revokeFamily('nobody', 'x', NOW), false);
      assert.deepEqual(await store.refreshTokens.findFamily(family.familyId), { ...family, revokedAt: NOW + 3, revokedReason: 'logout' });
    });

    it('revokes the family issued from a replayed code and returns it; undefined when the code issued none', async () => {
      const { store } = current();
      const { family } = await seedFamily(store);
      const revoked = await store.refreshTokens.revokeFamilyByCode(family.authorizationCodeHash, 'code_replayed', NOW + 9);
      assert.deepEqual(revoked, { ...family, revokedAt: NOW + 9, revokedReason: 'code_replayed' });
      const again = await store.refreshTokens.revokeFamilyByCode(family.authorizationCodeHash, 'later', NOW + 10);
      assert.deepEqual(again, revoked, 'a second revocation keeps the first time and reason');
      assert.equal(await store.refreshTokens.revokeFamilyByCode('no-such-code', 'code_replayed', NOW), undefined);
    });
  });
});
