// Store contract, signing keys: publication windows, one rotation among racing instances, cleanup of retired keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aSigningKey, NOW } from './fixtures.js';

async function activeAndNext(store: Store): Promise<{ active: string; next: string }> {
  const active = aSigningKey({ kid: 'k-active', status: 'active', activatedAt: NOW, createdAt: NOW - 10 });
  const next = aSigningKey({ kid: 'k-next', status: 'next', createdAt: NOW - 5 });
  await store.signingKeys.create(active);
  await store.signingKeys.create(next);
  return { active: active.kid, next: next.kid };
}

forEachEngine((engine) => {
  describe('signing keys', () => {
    const current = useTestStore(engine);

    it('lists every key newest first, field for field', async () => {
      const { store } = current();
      const older = aSigningKey({ kid: 'a', createdAt: NOW - 100, status: 'retired', retiredAt: NOW - 50, publishUntil: NOW - 1 });
      const newer = aSigningKey({ kid: 'b', createdAt: NOW, alg: 'EdDSA' });
      await store.signingKeys.create(older);
      await store.signingKeys.create(newer);
      assert.deepEqual(await store.signingKeys.listAll(), [newer, older]);
    });

    it('publishes next and active keys, and a retired key up to and including its publishUntil', async () => {
      const { store } = current();
      await activeAndNext(store);
      await store.signingKeys.create(aSigningKey({ kid: 'k-retired', status: 'retired', retiredAt: NOW, publishUntil: NOW + 600, createdAt: NOW - 20 }));
      const kids = async (now: number) => (await store.signingKeys.listPublished(now)).map((key) => key.kid);
      assert.deepEqual(await kids(NOW + 600), ['k-next', 'k-active', 'k-retired']);
      assert.deepEqual(await kids(NOW + 601), ['k-next', 'k-active']);
    });

    it('rotates: the next key becomes active, the active one retires, a new next key is added', async () => {
      const { store } = current();
      const { active, next } = await activeAndNext(store);
      const newNext = aSigningKey({ kid: 'k-new', createdAt: NOW + 1 });
      assert.equal(await store.signingKeys.rotate({ expectedActiveKid: active, nextKid: next, newNext, retiredPublishUntil: NOW + 900, now: NOW + 1 }), true);
      const byKid = new Map((await store.signingKeys.listAll()).map((key) => [key.kid, key]));
      assert.deepEqual([byKid.get(active)?.status, byKid.get(active)?.retiredAt, byKid.get(active)?.publishUntil], ['retired', NOW + 1, NOW + 900]);
      assert.deepEqual([byKid.get(next)?.status, byKid.get(next)?.activatedAt], ['active', NOW + 1]);
      assert.deepEqual(byKid.get('k-new'), newNext);
    });

    it('does not rotate when the expected active key is no longer active', async () => {
      const { store } = current();
      const { next } = await activeAndNext(store);
      const rotated = await store.signingKeys.rotate({
        expectedActiveKid: 'someone-else',
        nextKid: next,
        newNext: aSigningKey({ kid: 'k-new' }),
        retiredPublishUntil: NOW + 900,
        now: NOW,
      });
      assert.equal(rotated, false);
      assert.deepEqual((await store.signingKeys.listAll()).map((key) => key.kid).sort(), ['k-active', 'k-next']);
    });

    it('promotes the first key when there is no active key yet, and only then', async () => {
      const { store } = current();
      await store.signingKeys.create(aSigningKey({ kid: 'first' }));
      const first = { expectedActiveKid: null, nextKid: 'first', newNext: aSigningKey({ kid: 'second' }), retiredPublishUntil: 0, now: NOW };
      assert.equal(await store.signingKeys.rotate(first), true);
      assert.equal(await store.signingKeys.rotate({ ...first, nextKid: 'second', newNext: aSigningKey({ kid: 'third' }) }), false);
      const statuses = Object.fromEntries((await store.signingKeys.listAll()).map((key) => [key.kid, key.status]));
      assert.deepEqual(statuses, { first: 'active', second: 'next' });
    });

    it('lets exactly one of several racing rotations happen', async () => {
      const { store } = current();
      const { active, next } = await activeAndNext(store);
      const attempts = Array.from({ length: 10 }, (_, index) =>
        store.signingKeys.rotate({
          expectedActiveKid: active,
          nextKid: next,
          newNext: aSigningKey({ kid: `racer-${index}` }),
          retiredPublishUntil: NOW + 900,
          now: NOW + 1,
        }),
      );
      const results = await Promise.all(attempts);
      assert.equal(results.filter(Boolean).length, 1);
      const keys = await store.signingKeys.listAll();
      assert.equal(keys.length, 3);
      assert.deepEqual(keys.map((key) => key.status).sort(), ['active', 'next', 'retired']);
    });

    it('lets exactly one of several racing first promotions happen', async () => {
      const { store } = current();
      await store.signingKeys.create(aSigningKey({ kid: 'first' }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          store.signingKeys.rotate({ expectedActiveKid: null, nextKid: 'first', newNext: aSigningKey({ kid: `racer-${index}` }), retiredPublishUntil: 0, now: NOW }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.signingKeys.listAll()).filter((key) => key.status === 'active').length, 1);
    });

    it('refuses a second next key, so racing bootstraps cannot leave two', async () => {
      const { store } = current();
      await store.signingKeys.create(aSigningKey({ kid: 'first' }));
      await assert.rejects(store.signingKeys.create(aSigningKey({ kid: 'also-first' })), { name: 'DuplicateError' });
      assert.deepEqual((await store.signingKeys.listAll()).map((key) => key.kid), ['first']);
    });

    it('refuses a second active key', async () => {
      const { store } = current();
      await activeAndNext(store);
      await assert.rejects(store.signingKeys.create(aSigningKey({ status: 'active' })), { name: 'DuplicateError' });
    });

    it('deletes retired keys whose publishUntil is before now, and nothing else', async () => {
      const { store } = current();
      await activeAndNext(store);
      await store.signingKeys.create(aSigningKey({ kid: 'gone', status: 'retired', publishUntil: NOW - 1 }));
      await store.signingKeys.create(aSigningKey({ kid: 'boundary', status: 'retired', publishUntil: NOW }));
      assert.equal(await store.signingKeys.deleteExpired(NOW), 1);
      assert.deepEqual((await store.signingKeys.listAll()).map((key) => key.kid).sort(), ['boundary', 'k-active', 'k-next']);
    });
  });
});
