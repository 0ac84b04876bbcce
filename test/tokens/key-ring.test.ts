// Key ring on a real store (both engines): bootstrap, racing instances, rotation and the JWKS it publishes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SigningAlgorithm } from '../../src/store/records.js';
import { openStore } from '../../src/store/open.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { RETIRED_WINDOW, T0, activeKeyOf, countByStatus, jwksKids, makeRing, signWith, verifyWithJwks } from './key-ring-fixtures.js';

forEachEngine((engine) => {
  describe('key ring', () => {
    const current = useTestStore(engine);

    it('makes one active and one next key on an empty table, and nothing more on a second call', async () => {
      const { store } = current();
      const { ring, events } = makeRing(store);
      await ring.ensureKeys(T0);
      await ring.ensureKeys(T0 + 1);
      const keys = await store.signingKeys.listAll();
      assert.deepEqual(await countByStatus(store), { active: 1, next: 1, retired: 0 });
      const active = keys.find((key) => key.status === 'active')!;
      const next = keys.find((key) => key.status === 'next')!;
      assert.equal(activeKeyOf(ring).kid, active.kid);
      assert.deepEqual(jwksKids(ring.jwksJson()), [active.kid, next.kid]);
      assert.deepEqual(
        events.map((event) => event.type),
        ['key.created', 'key.rotated', 'key.created'],
      );
      assert.deepEqual(events[1], { type: 'key.rotated', kid: active.kid, alg: 'ES256', retiredKid: null });
    });

    it('ends with exactly one active and one next key when two instances bootstrap at once', async () => {
      const { store, databaseUrl, dataDir } = current();
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const first = makeRing(store);
        const second = makeRing(otherInstance);
        await Promise.all([first.ring.ensureKeys(T0), second.ring.ensureKeys(T0)]);
        assert.deepEqual(await countByStatus(store), { active: 1, next: 1, retired: 0 });
        assert.equal(activeKeyOf(first.ring).kid, activeKeyOf(second.ring).kid);
        const rotations = [...first.events, ...second.events].filter((event) => event.type === 'key.rotated');
        assert.equal(rotations.length, 1);
      } finally {
        await otherInstance.close();
      }
    });

    it('promotes a next key that was already in the JWKS, and publishes the new next key', async () => {
      const { store } = current();
      const { ring, events } = makeRing(store);
      await ring.ensureKeys(T0);
      const oldActive = activeKeyOf(ring).kid;
      const [, next] = jwksKids(ring.jwksJson());
      assert.deepEqual(await ring.rotate(T0 + 100), ['ES256']);
      assert.equal(activeKeyOf(ring).kid, next);
      const kids = jwksKids(ring.jwksJson());
      assert.equal(kids[0], next);
      assert.equal(kids.length, 3);
      assert.equal(kids[2], oldActive);
      const retired = (await store.signingKeys.listAll()).find((key) => key.kid === oldActive)!;
      assert.equal(retired.status, 'retired');
      assert.equal(retired.retiredAt, T0 + 100);
      assert.equal(retired.publishUntil, T0 + 100 + RETIRED_WINDOW);
      assert.deepEqual(events.at(-2), { type: 'key.rotated', kid: next, alg: 'ES256', retiredKid: oldActive });
      assert.deepEqual(events.at(-1), { type: 'key.created', kid: kids[1], alg: 'ES256', status: 'next' });
    });

    it('keeps verifying a token signed before a rotation, here and on another instance', async () => {
      const { store, databaseUrl, dataDir } = current();
      const { ring } = makeRing(store);
      await ring.ensureKeys(T0);
      const token = signWith(ring);
      await ring.rotate(T0 + 100);
      assert.notEqual(activeKeyOf(ring).kid, (await verifyWithJwks(token, ring.jwksJson())).protectedHeader.kid);
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const other = makeRing(otherInstance).ring;
        await other.reload(T0 + 101);
        assert.equal(other.jwks().etag, ring.jwks().etag);
        await verifyWithJwks(token, other.jwksJson());
        await verifyWithJwks(signWith(other), ring.jwksJson());
      } finally {
        await otherInstance.close();
      }
    });

    for (const algorithm of ['ES256', 'RS256', 'EdDSA'] satisfies SigningAlgorithm[]) {
      it(`signs ${algorithm} tokens that jose verifies against the key ring's JWKS`, async () => {
        const { ring } = makeRing(current().store, { algorithms: [algorithm] });
        await ring.ensureKeys(T0);
        const { protectedHeader } = await verifyWithJwks(signWith(ring, undefined, algorithm), ring.jwksJson());
        assert.deepEqual(protectedHeader, { alg: algorithm, kid: activeKeyOf(ring, algorithm).kid, typ: 'at+jwt' });
        for (const jwk of (JSON.parse(ring.jwksJson()) as { keys: Array<Record<string, string>> }).keys) {
          assert.equal(jwk.alg, algorithm);
          assert.equal(jwk.use, 'sig');
          assert.equal(jwk.d, undefined);
        }
      });
    }

    it('serialises the JWKS once per change', async () => {
      const { ring } = makeRing(current().store);
      await ring.ensureKeys(T0);
      const before = ring.jwks();
      await ring.reload(T0 + 5);
      assert.equal(ring.jwks(), before);
      await ring.rotate(T0 + 10);
      assert.notEqual(ring.jwks().etag, before.etag);
      assert.match(ring.jwks().etag, /^"[A-Za-z0-9_-]{27}"$/);
    });
  });
});
