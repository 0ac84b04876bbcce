// Store contract, DPoP proof jtis (RFC 9449 §11.1): a proof's key-scoped jti is accepted once until it expires, atomically.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { NOW, uniqueId } from './fixtures.js';

forEachEngine((engine) => {
  describe('DPoP proof jtis', () => {
    const current = useTestStore(engine);
    const jtis = () => current().store.dpopProofJtis;

    it('accepts a jti once, and again only from its expiry on (the expiry is exclusive)', async () => {
      const jti = uniqueId('jti');
      // A proof with iat NOW and a 60 s window is accepted up to NOW + 60 inclusive, so it is recorded until NOW + 61.
      assert.equal(await jtis().markUsed(jti, NOW + 61, NOW), true);
      assert.equal(await jtis().markUsed(jti, NOW + 120, NOW + 30), false, 'a replay within its lifetime');
      assert.equal(await jtis().markUsed(jti, NOW + 200, NOW + 60), false, 'still live in the last second the proof is accepted');
      assert.equal(await jtis().markUsed(jti, NOW + 200, NOW + 61), true, 'at its expiry: the old proof can no longer be accepted anyway');
      assert.equal(await jtis().markUsed(jti, NOW + 300, NOW + 100), false, 'the new expiry was recorded');
    });

    it('accepts exactly one of many concurrent uses of one jti', async () => {
      const jti = uniqueId('raced');
      const results = await Promise.all(Array.from({ length: 20 }, () => jtis().markUsed(jti, NOW + 60, NOW)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('sweeps records that expired strictly before the given time, in batches', async () => {
      const prefix = uniqueId('sweep');
      for (let index = 0; index < 5; index += 1) await jtis().markUsed(`${prefix}-old-${index}`, NOW - 1, NOW - 100);
      await jtis().markUsed(`${prefix}-at-now`, NOW, NOW - 100);
      await jtis().markUsed(`${prefix}-live`, NOW + 60, NOW);
      assert.equal(await jtis().deleteExpired(NOW, 3), 3);
      assert.equal(await jtis().deleteExpired(NOW, 100), 2);
      assert.equal(await jtis().deleteExpired(NOW, 100), 0);
      assert.equal(await jtis().markUsed(`${prefix}-at-now`, NOW + 60, NOW - 1), false, 'a record expiring at the sweep time stays');
      assert.equal(await jtis().markUsed(`${prefix}-live`, NOW + 60, NOW), false);
    });
  });
});
