// Key ring on a real store (both engines): retirement, scheduled rotation, the refresh timer, secrets at rest, listing.
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/open.js';
import { createKeyEncryption } from '../../src/tokens/keys/key-encryption.js';
import { importSigningKey } from '../../src/tokens/keys/signing-key.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import {
  JWKS_MAX_AGE,
  REFRESH_INTERVAL,
  RETIRED_WINDOW,
  ROTATION_INTERVAL,
  SECRET,
  T0,
  activeKeyOf,
  countByStatus,
  jwksKids,
  makeRing,
  signWith,
  verifyWithJwks,
} from './key-ring-fixtures.js';

forEachEngine((engine) => {
  describe('key ring lifecycle', () => {
    const current = useTestStore(engine);

    it('drops a retired key from the JWKS after publishUntil, and deletes it at a later rotation', async () => {
      const { store } = current();
      const { ring } = makeRing(store);
      await ring.ensureKeys(T0);
      const retiredKid = activeKeyOf(ring).kid;
      const token = signWith(ring);
      await ring.rotate(T0 + 100);
      const publishUntil = T0 + 100 + RETIRED_WINDOW;
      await ring.reload(publishUntil);
      assert.ok(jwksKids(ring.jwksJson()).includes(retiredKid));
      await ring.reload(publishUntil + 1);
      assert.ok(!jwksKids(ring.jwksJson()).includes(retiredKid));
      await assert.rejects(verifyWithJwks(token, ring.jwksJson()), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
      await ring.rotate(publishUntil + 1);
      assert.ok(!(await store.signingKeys.listAll()).some((key) => key.kid === retiredKid));
    });

    it('rotates when due: after the interval, once the next key has been published for jwksMaxAge', async () => {
      const { store } = current();
      const { ring } = makeRing(store);
      await ring.ensureKeys(T0);
      assert.deepEqual(await ring.rotateIfDue(T0 + ROTATION_INTERVAL - 1), []);
      assert.deepEqual(await ring.rotateIfDue(T0 + ROTATION_INTERVAL), ['ES256']);
      const t1 = T0 + ROTATION_INTERVAL;
      // The new next key is brand new: a rotation forced on a short interval still waits until caches hold it.
      const shortInterval = makeRing(store, { rotationInterval: 1 }).ring;
      await shortInterval.reload(t1 + 1);
      assert.deepEqual(await shortInterval.rotateIfDue(t1 + JWKS_MAX_AGE - 1), []);
      assert.deepEqual(await shortInterval.rotateIfDue(t1 + JWKS_MAX_AGE), ['ES256']);
      assert.deepEqual(await countByStatus(store), { active: 1, next: 1, retired: 2 });
    });

    it('never rotates on schedule when rotationInterval is 0', async () => {
      const { ring } = makeRing(current().store, { rotationInterval: 0 });
      await ring.ensureKeys(T0);
      assert.deepEqual(await ring.rotateIfDue(T0 + 100 * ROTATION_INTERVAL), []);
    });

    it('rotates once when several instances find a rotation due at the same moment', async () => {
      const { store, databaseUrl, dataDir } = current();
      const otherInstance = await openStore({ databaseUrl, dataDir });
      try {
        const rings = [makeRing(store), makeRing(otherInstance), makeRing(store)];
        await rings[0]!.ring.ensureKeys(T0);
        await Promise.all(rings.map(({ ring }) => ring.reload(T0 + 1)));
        const due = T0 + ROTATION_INTERVAL;
        const results = await Promise.all(rings.map(({ ring }) => ring.rotateIfDue(due)));
        assert.deepEqual(results.flat(), ['ES256']);
        assert.deepEqual(await countByStatus(store), { active: 1, next: 1, retired: 1 });
        assert.equal(new Set(rings.map(({ ring }) => activeKeyOf(ring).kid)).size, 1);
      } finally {
        await otherInstance.close();
      }
    });

    it('picks up another instance\'s rotation on its refresh timer', async () => {
      const { store } = current();
      const leader = makeRing(store).ring;
      await leader.ensureKeys(T0);
      const follower = makeRing(store, { clock: () => T0 + 200 });
      await follower.ring.reload(T0);
      await leader.rotate(T0 + 100);
      mock.timers.enable({ apis: ['setInterval'] });
      try {
        follower.ring.start();
        mock.timers.tick(REFRESH_INTERVAL * 1000);
        await follower.ring.stop();
      } finally {
        mock.timers.reset();
      }
      assert.equal(activeKeyOf(follower.ring).kid, activeKeyOf(leader).kid);
      assert.equal(follower.ring.jwks().etag, leader.jwks().etag);
      assert.deepEqual(follower.timerErrors, []);
    });

    it('never stores a private key as PEM or plaintext', async () => {
      const database = current();
      const { store } = database;
      const { ring } = makeRing(store);
      await ring.ensureKeys(T0);
      await ring.rotate(T0 + 1);
      const rows = await database.sql('select kid, private_key_encrypted from signing_keys');
      assert.equal(rows.length, 3);
      const encryption = createKeyEncryption(SECRET);
      for (const row of rows) {
        const stored = String(row.private_key_encrypted);
        assert.match(stored, /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        assert.ok(!stored.includes('PRIVATE KEY'));
        const record = (await store.signingKeys.listAll()).find((key) => key.kid === row.kid)!;
        const der = importSigningKey(record, encryption).privateKey.export({ format: 'der', type: 'pkcs8' });
        for (const encoding of ['base64', 'base64url', 'hex'] as const) assert.ok(!stored.includes(der.toString(encoding).slice(-32)));
      }
    });

    it('refuses to load keys sealed under a secret that is not configured, naming the key', async () => {
      const { store } = current();
      await makeRing(store).ring.ensureKeys(T0);
      const stranger = makeRing(store, { encryption: createKeyEncryption('some-other-secret-0123456789abcdef012345') }).ring;
      await assert.rejects(stranger.ensureKeys(T0 + 1), {
        name: 'KeyDecryptionError',
        message: /^signing key [A-Za-z0-9_-]{43} cannot be decrypted: no configured key-encryption secret matches$/,
      });
      const afterRotation = makeRing(store, { encryption: createKeyEncryption('a-new-secret-0123456789abcdef0123456789', [SECRET]) }).ring;
      await afterRotation.ensureKeys(T0 + 1);
      assert.deepEqual(await afterRotation.rotate(T0 + 2), ['ES256']);
    });

    it('lists every key for the CLI without private material', async () => {
      const { store } = current();
      const { ring } = makeRing(store);
      await ring.ensureKeys(T0);
      await ring.rotate(T0 + 10);
      const listed = await ring.list();
      assert.equal(listed.length, 3);
      for (const key of listed) {
        assert.deepEqual(Object.keys(key).sort(), ['activatedAt', 'alg', 'createdAt', 'kid', 'publishUntil', 'retiredAt', 'status']);
      }
      const retired = listed.find((key) => key.status === 'retired')!;
      assert.deepEqual([retired.activatedAt, retired.retiredAt, retired.publishUntil], [T0, T0 + 10, T0 + 10 + RETIRED_WINDOW]);
    });
  });
});
