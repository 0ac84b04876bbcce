// Store contract, client assertion jtis (RFC 7523 §3): a jti is accepted once per client until it expires, atomically.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, NOW, uniqueId } from './fixtures.js';

forEachEngine((engine) => {
  describe('client assertion jtis', () => {
    const current = useTestStore(engine);
    const jtis = () => current().store.clientAssertionJtis;
    const seedClient = async () => {
      const client = aClient();
      await current().store.clients.create(client);
      return client.clientId;
    };

    it('accepts a jti once, and again only once its record has expired', async () => {
      const clientId = await seedClient();
      const jti = uniqueId('jti');
      assert.equal(await jtis().markUsed(clientId, jti, NOW + 60, NOW), true);
      assert.equal(await jtis().markUsed(clientId, jti, NOW + 120, NOW + 30), false, 'a replay within its lifetime');
      assert.equal(await jtis().markUsed(clientId, jti, NOW + 200, NOW + 59), false, 'still live one second before expiry');
      assert.equal(await jtis().markUsed(clientId, jti, NOW + 200, NOW + 60), true, 'expired: the old assertion can no longer be replayed');
      assert.equal(await jtis().markUsed(clientId, jti, NOW + 300, NOW + 100), false, 'the new expiry was recorded');
    });

    it('keeps the jtis of different clients apart', async () => {
      const [first, second] = [await seedClient(), await seedClient()];
      assert.equal(await jtis().markUsed(first, 'same-jti', NOW + 60, NOW), true);
      assert.equal(await jtis().markUsed(second, 'same-jti', NOW + 60, NOW), true);
    });

    it('accepts exactly one of many concurrent uses of one jti', async () => {
      const clientId = await seedClient();
      const results = await Promise.all(Array.from({ length: 20 }, () => jtis().markUsed(clientId, 'raced', NOW + 60, NOW)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('sweeps records that expired strictly before the given time, in batches', async () => {
      const clientId = await seedClient();
      for (let index = 0; index < 5; index += 1) await jtis().markUsed(clientId, `old-${index}`, NOW - 1, NOW - 100);
      await jtis().markUsed(clientId, 'at-now', NOW, NOW - 100);
      await jtis().markUsed(clientId, 'live', NOW + 60, NOW);
      assert.equal(await jtis().deleteExpired(NOW, 3), 3);
      assert.equal(await jtis().deleteExpired(NOW, 100), 2);
      assert.equal(await jtis().deleteExpired(NOW, 100), 0);
      assert.equal(await jtis().markUsed(clientId, 'at-now', NOW + 60, NOW - 1), false, 'a record expiring at the sweep time stays');
      assert.equal(await jtis().markUsed(clientId, 'live', NOW + 60, NOW), false);
    });

    it('forgets the jtis of a deleted client', async () => {
      const clientId = await seedClient();
      await jtis().markUsed(clientId, 'gone', NOW + 60, NOW);
      assert.equal(await current().store.clients.delete(clientId), true);
      assert.equal(await jtis().deleteExpired(NOW + 1000, 100), 0);
    });
  });
});
