// Key ring with several algorithms on a real store (both engines): one active and one next key per algorithm, each
// bootstrapped, rotated and retired on its own, and algorithms dropped from the configuration taken out of use.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningAlgorithm } from '../../src/store/records.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createKeyEncryption, type KeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { JWKS_MAX_AGE, RETIRED_WINDOW, ROTATION_INTERVAL, SECRET, T0, activeKeyOf, jwksKids, makeRing, signWith, verifyWithJwks } from './key-ring-fixtures.js';

/** Counts of stored keys by algorithm and status, e.g. `{ 'ES256 active': 1 }`. */
async function countByAlgorithm(store: Store): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const key of await store.signingKeys.listAll()) counts[`${key.alg} ${key.status}`] = (counts[`${key.alg} ${key.status}`] ?? 0) + 1;
  return counts;
}

/** A key encryption that records which kids it was asked to open. */
function spyingEncryption(): { encryption: KeyEncryption; opened: string[] } {
  const inner = createKeyEncryption(SECRET);
  const opened: string[] = [];
  const encryption: KeyEncryption = {
    encrypt: (kid, plaintext) => inner.encrypt(kid, plaintext),
    decrypt: (kid, envelope) => {
      opened.push(kid);
      return inner.decrypt(kid, envelope);
    },
  };
  return { encryption, opened };
}

const jwksAlgorithms = (jwksJson: string): string[] => (JSON.parse(jwksJson) as { keys: Array<{ alg: string }> }).keys.map((key) => key.alg);

forEachEngine((engine) => {
  describe('key ring with several algorithms', () => {
    const current = useTestStore(engine);

    it('keeps an active and a next key of each configured algorithm, RS256 first and 2048-bit', async () => {
      const { store } = current();
      const algorithms: SigningAlgorithm[] = ['ES256', 'EdDSA', 'RS256'];
      const { ring } = makeRing(store, { algorithms });
      await ring.ensureKeys(T0);
      await ring.ensureKeys(T0 + 1);
      const pairs = Object.fromEntries(algorithms.flatMap((alg) => [[`${alg} active`, 1], [`${alg} next`, 1]]));
      assert.deepEqual(await countByAlgorithm(store), pairs);
      assert.deepEqual(ring.signingAlgorithms(), ['RS256', 'ES256', 'EdDSA']);
      assert.deepEqual(jwksAlgorithms(ring.jwksJson()), ['RS256', 'ES256', 'EdDSA', 'RS256', 'ES256', 'EdDSA']);
      const rsa = (JSON.parse(ring.jwksJson()) as { keys: Array<{ n?: string }> }).keys[0]!;
      assert.equal(Buffer.from(rsa.n!, 'base64url').length * 8, 2048);
      for (const alg of algorithms) {
        const { protectedHeader } = await verifyWithJwks(signWith(ring, undefined, alg), ring.jwksJson());
        assert.deepEqual([protectedHeader.alg, protectedHeader.kid], [alg, activeKeyOf(ring, alg).kid]);
      }
    });

    it('has no key for an algorithm that is not configured', async () => {
      const { ring } = makeRing(current().store, { algorithms: ['ES256'] });
      await ring.ensureKeys(T0);
      assert.equal(ring.activeKey('RS256'), undefined);
      assert.deepEqual(ring.signingAlgorithms(), ['ES256']);
    });

    it('promotes the first key of each algorithm once when two instances bootstrap at once', async () => {
      const { store, databaseUrl, dataDir } = current();
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const [first, second] = [makeRing(store, { algorithms: ['ES256', 'EdDSA'] }), makeRing(otherInstance, { algorithms: ['EdDSA', 'ES256'] })];
        await Promise.all([first.ring.ensureKeys(T0), second.ring.ensureKeys(T0)]);
        assert.deepEqual(await countByAlgorithm(store), { 'ES256 active': 1, 'ES256 next': 1, 'EdDSA active': 1, 'EdDSA next': 1 });
        const rotations = [...first.events, ...second.events].filter((event) => event.type === 'key.rotated');
        assert.deepEqual(rotations.map((event) => event.alg).sort(), ['ES256', 'EdDSA']);
        for (const alg of ['ES256', 'EdDSA'] as const) assert.equal(activeKeyOf(first.ring, alg).kid, activeKeyOf(second.ring, alg).kid);
      } finally {
        await otherInstance.close();
      }
    });

    it('rotates only the algorithms asked for, and refuses one that is not configured', async () => {
      const { store } = current();
      const { ring } = makeRing(store, { algorithms: ['ES256', 'EdDSA'] });
      await ring.ensureKeys(T0);
      const eddsa = activeKeyOf(ring, 'EdDSA').kid;
      const es256 = activeKeyOf(ring, 'ES256').kid;
      assert.deepEqual(await ring.rotate(T0 + 10, {}, ['ES256']), ['ES256']);
      assert.equal(activeKeyOf(ring, 'EdDSA').kid, eddsa);
      assert.notEqual(activeKeyOf(ring, 'ES256').kid, es256);
      await assert.rejects(ring.rotate(T0 + 20, {}, ['RS256']), /^Error: RS256 is not in keys.algorithms/);
      assert.deepEqual(await ring.rotate(T0 + 30), ['ES256', 'EdDSA']);
    });

    it('rotates each algorithm on its own schedule', async () => {
      const { store } = current();
      await makeRing(store, { algorithms: ['ES256'] }).ring.ensureKeys(T0);
      // EdDSA is configured later, so its keys are younger than the ES256 ones.
      const added = T0 + 500;
      const { ring } = makeRing(store, { algorithms: ['ES256', 'EdDSA'] });
      await ring.ensureKeys(added);
      assert.deepEqual(await ring.rotateIfDue(T0 + ROTATION_INTERVAL), ['ES256']);
      assert.deepEqual(await ring.rotateIfDue(added + ROTATION_INTERVAL - 1), []);
      assert.deepEqual(await ring.rotateIfDue(added + ROTATION_INTERVAL), ['EdDSA']);
      assert.deepEqual(await ring.rotateIfDue(T0 + 2 * ROTATION_INTERVAL + JWKS_MAX_AGE), ['ES256']);
    });

    it('rotates once per algorithm when several instances find both due at the same moment', async () => {
      const { store, databaseUrl, dataDir } = current();
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const rings = [store, otherInstance, store].map((onStore) => makeRing(onStore, { algorithms: ['ES256', 'EdDSA'] }).ring);
        await rings[0]!.ensureKeys(T0);
        await Promise.all(rings.map((ring) => ring.reload(T0 + 1)));
        const results = await Promise.all(rings.map((ring) => ring.rotateIfDue(T0 + ROTATION_INTERVAL)));
        assert.deepEqual(results.flat().sort(), ['ES256', 'EdDSA']);
        const counts = await countByAlgorithm(store);
        assert.deepEqual(counts, { 'ES256 active': 1, 'ES256 next': 1, 'ES256 retired': 1, 'EdDSA active': 1, 'EdDSA next': 1, 'EdDSA retired': 1 });
        for (const alg of ['ES256', 'EdDSA'] as const) assert.equal(new Set(rings.map((ring) => activeKeyOf(ring, alg).kid)).size, 1);
      } finally {
        await otherInstance.close();
      }
    });

    it('stops signing with an algorithm dropped from the configuration, publishing its keys until their tokens expire', async () => {
      const { store, databaseUrl, dataDir } = current();
      const before = makeRing(store, { algorithms: ['ES256', 'EdDSA'] }).ring;
      await before.ensureKeys(T0);
      const token = signWith(before, undefined, 'EdDSA');
      const dropped = (await store.signingKeys.listAll()).filter((key) => key.alg === 'EdDSA').map((key) => key.kid);
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const spy = spyingEncryption();
        const after = makeRing(store, { algorithms: ['ES256'], encryption: spy.encryption });
        const racer = makeRing(otherInstance, { algorithms: ['ES256'] });
        const t1 = T0 + 100;
        await Promise.all([after.ring.ensureKeys(t1), racer.ring.ensureKeys(t1)]);
        assert.deepEqual(spy.opened.filter((kid) => dropped.includes(kid)), [], 'a dropped algorithm is never decrypted');
        const retired = [...after.events, ...racer.events].filter((event) => event.type === 'key.retired');
        assert.deepEqual(retired.map((event) => event.kid).sort(), [...dropped].sort(), 'each key retired once');
        assert.ok(retired.every((event) => event.publishUntil === t1 + RETIRED_WINDOW));
        assert.equal(after.ring.activeKey('EdDSA'), undefined);
        assert.deepEqual(after.ring.signingAlgorithms(), ['ES256']);
        await verifyWithJwks(token, after.ring.jwksJson());
        await before.reload(t1 + 1);
        assert.equal(before.activeKey('EdDSA'), undefined, 'an instance still configured for it stops at its next reload');
        await after.ring.reload(t1 + RETIRED_WINDOW + 1);
        assert.ok(!jwksKids(after.ring.jwksJson()).some((kid) => dropped.includes(kid)));
        await assert.rejects(verifyWithJwks(token, after.ring.jwksJson()), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
      } finally {
        await otherInstance.close();
      }
    });

    it('gives an algorithm configured again new keys rather than reviving retired ones', async () => {
      const { store } = current();
      const first = makeRing(store, { algorithms: ['ES256', 'EdDSA'] }).ring;
      await first.ensureKeys(T0);
      const old = activeKeyOf(first, 'EdDSA').kid;
      await makeRing(store, { algorithms: ['ES256'] }).ring.ensureKeys(T0 + 10);
      const again = makeRing(store, { algorithms: ['ES256', 'EdDSA'] }).ring;
      await again.ensureKeys(T0 + 20);
      assert.notEqual(activeKeyOf(again, 'EdDSA').kid, old);
      assert.deepEqual(await countByAlgorithm(store), { 'ES256 active': 1, 'ES256 next': 1, 'EdDSA active': 1, 'EdDSA next': 1, 'EdDSA retired': 2 });
    });
  });
});
