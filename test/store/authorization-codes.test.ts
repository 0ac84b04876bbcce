// Store contract, authorization codes: single use, expiry at the passed-in clock, replay classification, cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aCode, NOW, seedClientAndUser } from './fixtures.js';

forEachEngine((engine) => {
  describe('authorization codes', () => {
    const current = useTestStore(engine);

    it('redeems a live code once, returning it marked consumed', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      assert.deepEqual(await store.authorizationCodes.consume(code.codeHash, NOW + 1), {
        outcome: 'redeemed',
        record: { ...code, consumedAt: NOW + 1 },
      });
    });

    it('reports a second redemption as replayed, with the record, so its tokens can be revoked', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user, { nonce: null });
      await store.authorizationCodes.create(code);
      await store.authorizationCodes.consume(code.codeHash, NOW + 1);
      assert.deepEqual(await store.authorizationCodes.consume(code.codeHash, NOW + 2), {
        outcome: 'replayed',
        record: { ...code, consumedAt: NOW + 1 },
      });
    });

    it('is live until one second before expiresAt and expired from expiresAt on', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const lastSecond = aCode(client, user);
      const atExpiry = aCode(client, user);
      await store.authorizationCodes.create(lastSecond);
      await store.authorizationCodes.create(atExpiry);
      assert.equal((await store.authorizationCodes.consume(lastSecond.codeHash, lastSecond.expiresAt - 1)).outcome, 'redeemed');
      assert.deepEqual(await store.authorizationCodes.consume(atExpiry.codeHash, atExpiry.expiresAt), { outcome: 'expired', record: atExpiry });
    });

    it('still reports a consumed code as replayed after it expired', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      await store.authorizationCodes.consume(code.codeHash, NOW);
      assert.equal((await store.authorizationCodes.consume(code.codeHash, code.expiresAt + 600)).outcome, 'replayed');
    });

    it('keeps whether the authorization request sent redirect_uri', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const omitted = aCode(client, user, { redirectUriSent: false });
      await store.authorizationCodes.create(omitted);
      const result = await store.authorizationCodes.consume(omitted.codeHash, NOW);
      assert.equal(result.outcome === 'redeemed' && result.record.redirectUriSent, false);
    });

    it('reports an unknown hash as unknown', async () => {
      const { store } = current();
      assert.deepEqual(await store.authorizationCodes.consume('no-such-hash', NOW), { outcome: 'unknown' });
    });

    it('refuses a duplicate code hash', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const code = aCode(client, user);
      await store.authorizationCodes.create(code);
      await assert.rejects(store.authorizationCodes.create(code), { name: 'DuplicateError', field: 'code_hash' });
    });

    it('deletes only codes that expired strictly before the given time', async () => {
      const { store } = current();
      const { client, user } = await seedClientAndUser(store);
      const old = aCode(client, user, { expiresAt: NOW - 10 });
      const boundary = aCode(client, user, { expiresAt: NOW });
      const live = aCode(client, user, { expiresAt: NOW + 60 });
      for (const code of [old, boundary, live]) await store.authorizationCodes.create(code);
      assert.equal(await store.authorizationCodes.deleteExpired(NOW, 10), 1);
      assert.equal((await store.authorizationCodes.consume(old.codeHash, NOW)).outcome, 'unknown');
      assert.equal((await store.authorizationCodes.consume(boundary.codeHash, NOW)).outcome, 'expired');
      assert.equal((await store.authorizationCodes.consume(live.codeHash, NOW)).outcome, 'redeemed');
      assert.equal(await store.authorizationCodes.deleteExpired(NOW, 10), 0);
    });
  });
});
