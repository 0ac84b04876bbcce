// Store contract, signing keys: publication windows, one rotation per algorithm among racing instances, cleanup.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SigningAlgorithm } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aSigningKey, NOW } from './fixtures.js';

/** An active and a next key of `alg`; ES256 keys are `k-active` and `k-next`, others carry the algorithm in their kid. */
async function activeAndNext(store: Store, alg: SigningAlgorithm = 'ES256'): Promise<{ active: string; next: string }> {
  const suffix = alg === 'ES256' ? '' : `-${alg}`;
  const active = aSigningKey({ kid: `k-active${suffix}`, alg, status: 'active', activatedAt: NOW, createdAt: NOW - 10 });
  const next = aSigningKey({ kid: `k-next${suffix}`, alg, status: 'next', createdAt: NOW - 5 });
  await store.signingKeys.create(active);
  await store.signingKeys.create(next);
  return { active: active.kid, next: next.kid };
}

async function statusByKid(store: Store): Promise<Record<string, string>> {
  return Object.fromEntries((await store.signingKeys.listAll()).map((key) => [key.kid, key.status]));
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
      assert.deepEqual(await statusByKid(store), { first: 'active', second: 'next' });
    });

    it('promotes the first key of an algorithm while another algorithm has an active key', async () => {
      const { store } = current();
      await activeAndNext(store, 'ES256');
      await store.signingKeys.create(aSigningKey({ kid: 'rsa-first', alg: 'RS256' }));
      const first = { expectedActiveKid: null, nextKid: 'rsa-first', newNext: aSigningKey({ kid: 'rsa-second', alg: 'RS256' }), retiredPublishUntil: 0, now: NOW };
      assert.equal(await store.signingKeys.rotate(first), true);
      assert.equal(await store.signingKeys.rotate({ ...first, nextKid: 'rsa-second', newNext: aSigningKey({ kid: 'rsa-third', alg: 'RS256' }) }), false);
      assert.deepEqual(await statusByKid(store), { 'k-active': 'active', 'k-next': 'next', 'rsa-first': 'active', 'rsa-second': 'next' });
    });

    it('rotates one algorithm and leaves the keys of the others as they were', async () => {
      const { store } = current();
      const es = await activeAndNext(store, 'ES256');
      const rs = await activeAndNext(store, 'RS256');
      const newNext = aSigningKey({ kid: 'rsa-new', alg: 'RS256' });
      assert.equal(await store.signingKeys.rotate({ expectedActiveKid: rs.active, nextKid: rs.next, newNext, retiredPublishUntil: NOW + 900, now: NOW + 1 }), true);
      assert.deepEqual(await statusByKid(store), {
        [es.active]: 'active',
        [es.next]: 'next',
        [rs.active]: 'retired',
        [rs.next]: 'active',
        'rsa-new': 'next',
      });
    });

    it('never rotates across algorithms: an active or next key of another algorithm is not taken', async () => {
      const { store } = current();
      const es = await activeAndNext(store, 'ES256');
      const rs = await activeAndNext(store, 'RS256');
      const rotation = { expectedActiveKid: es.active, nextKid: rs.next, newNext: aSigningKey({ kid: 'x', alg: 'ES256' }), retiredPublishUntil: NOW + 900, now: NOW };
      await assert.rejects(store.signingKeys.rotate(rotation), /is not a next key/);
      assert.equal(await store.signingKeys.rotate({ ...rotation, expectedActiveKid: rs.active, nextKid: es.next }), false);
      assert.deepEqual(await statusByKid(store), { [es.active]: 'active', [es.next]: 'next', [rs.active]: 'active', [rs.next]: 'next' });
    });

    it('lets exactly one of several racing rotations happen per algorithm', async () => {
      const { store } = current();
      const rings = { ES256: await activeAndNext(store, 'ES256'), RS256: await activeAndNext(store, 'RS256') };
      const algorithms = ['ES256', 'RS256'] as const;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const alg = algorithms[index % 2]!;
          return store.signingKeys.rotate({
            expectedActiveKid: rings[alg].active,
            nextKid: rings[alg].next,
            newNext: aSigningKey({ kid: `racer-${index}`, alg }),
            retiredPublishUntil: NOW + 900,
            now: NOW + 1,
          });
        }),
      );
      assert.deepEqual(algorithms.map((_, parity) => results.filter((rotated, index) => rotated && index % 2 === parity).length), [1, 1]);
      const keys = await store.signingKeys.listAll();
      for (const alg of algorithms) {
        assert.deepEqual(keys.filter((key) => key.alg === alg).map((key) => key.status).sort(), ['active', 'next', 'retired'], alg);
      }
    });

    it('lets exactly one of several racing first promotions happen per algorithm', async () => {
      const { store } = current();
      const algorithms: SigningAlgorithm[] = ['ES256', 'RS256'];
      for (const alg of algorithms) await store.signingKeys.create(aSigningKey({ kid: `first-${alg}`, alg }));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, index) => {
          const alg = algorithms[index % 2]!;
          const newNext = aSigningKey({ kid: `racer-${index}`, alg });
          return store.signingKeys.rotate({ expectedActiveKid: null, nextKid: `first-${alg}`, newNext, retiredPublishUntil: 0, now: NOW });
        }),
      );
      assert.deepEqual(algorithms.map((_, parity) => results.filter((rotated, index) => rotated && index % 2 === parity).length), [1, 1]);
      const active = (await store.signingKeys.listAll()).filter((key) => key.status === 'active');
      assert.deepEqual(active.map((key) => key.kid).sort(), ['first-ES256', 'first-RS256']);
    });

    it('refuses a second next key of one algorithm, so racing bootstraps cannot leave two', async () => {
      const { store } = current();
      await store.signingKeys.create(aSigningKey({ kid: 'first' }));
      await assert.rejects(store.signingKeys.create(aSigningKey({ kid: 'also-first' })), { name: 'DuplicateError', field: 'alg' });
      await store.signingKeys.create(aSigningKey({ kid: 'first-rsa', alg: 'RS256' }));
      assert.deepEqual((await store.signingKeys.listAll()).map((key) => key.kid).sort(), ['first', 'first-rsa']);
    });

    it('refuses a second active key of one algorithm, and takes one of each algorithm', async () => {
      const { store } = current();
      await activeAndNext(store);
      await assert.rejects(store.signingKeys.create(aSigningKey({ status: 'active' })), { name: 'DuplicateError', field: 'alg' });
      await activeAndNext(store, 'RS256');
      await activeAndNext(store, 'EdDSA');
      assert.deepEqual((await store.signingKeys.listAll()).filter((key) => key.status === 'active').map((key) => key.alg).sort(), ['ES256', 'EdDSA', 'RS256']);
    });

    it('retires a next or active key once, publishing it until the given time', async () => {
      const { store } = current();
      const { active, next } = await activeAndNext(store, 'EdDSA');
      assert.equal(await store.signingKeys.retire(active, NOW + 900, NOW), true);
      assert.equal(await store.signingKeys.retire(next, NOW + 900, NOW), true);
      assert.equal(await store.signingKeys.retire(active, NOW + 5000, NOW + 1), false, 'already retired');
      assert.equal(await store.signingKeys.retire('unknown', NOW + 900, NOW), false);
      const retired = (await store.signingKeys.listAll()).find((key) => key.kid === active)!;
      assert.deepEqual([retired.status, retired.retiredAt, retired.publishUntil], ['retired', NOW, NOW + 900]);
      assert.deepEqual((await store.signingKeys.listPublished(NOW + 901)).map((key) => key.kid), []);
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
