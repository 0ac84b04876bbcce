// Store contract, pushed authorization requests (RFC 9126): parameters round-trip, used once by their own client, swept once expired.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushedAuthorizationRequestRecord } from '../../src/store/records.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, NOW, uniqueId } from './fixtures.js';

const CONCURRENT_USES = 20;

forEachEngine((engine) => {
  describe('pushed authorization requests', () => {
    const current = useTestStore(engine);
    const requests = () => current().store.pushedAuthorizationRequests;
    const aPushedRequest = async (overrides: Partial<PushedAuthorizationRequestRecord> = {}): Promise<PushedAuthorizationRequestRecord> => {
      const client = aClient();
      await current().store.clients.create(client);
      const request: PushedAuthorizationRequestRecord = {
        requestHash: uniqueId('request'),
        clientId: client.clientId,
        parameters: { client_id: client.clientId, response_type: 'code', state: 'é "quoted" & <odd>', resource: ['https://a.example/', 'https://b.example/'] },
        createdAt: NOW,
        expiresAt: NOW + 60,
        consumedAt: null,
        ...overrides,
      };
      await requests().create(request);
      return request;
    };

    it('is used once, parameters and all; a second use is a replay', async () => {
      const request = await aPushedRequest();
      assert.deepEqual(await requests().consume(request.requestHash, request.clientId, NOW + 1), { outcome: 'redeemed', record: { ...request, consumedAt: NOW + 1 } });
      assert.deepEqual(await requests().consume(request.requestHash, request.clientId, NOW + 2), { outcome: 'replayed', record: { ...request, consumedAt: NOW + 1 } });
    });

    it('is live until one second before expiresAt, then expired', async () => {
      const [live, expired] = [await aPushedRequest(), await aPushedRequest()];
      assert.equal((await requests().consume(live.requestHash, live.clientId, NOW + 59)).outcome, 'redeemed');
      assert.equal((await requests().consume(expired.requestHash, expired.clientId, NOW + 60)).outcome, 'expired');
    });

    it('is unknown to another client, and left untouched for its own', async () => {
      const request = await aPushedRequest();
      assert.deepEqual(await requests().consume(request.requestHash, 'another-client', NOW), { outcome: 'unknown' });
      assert.deepEqual(await requests().consume('no-such-hash', request.clientId, NOW), { outcome: 'unknown' });
      assert.equal((await requests().consume(request.requestHash, request.clientId, NOW)).outcome, 'redeemed');
    });

    it('goes to exactly one of many concurrent uses', async () => {
      const request = await aPushedRequest();
      const outcomes = await Promise.all(Array.from({ length: CONCURRENT_USES }, () => requests().consume(request.requestHash, request.clientId, NOW)));
      assert.equal(outcomes.filter((result) => result.outcome === 'redeemed').length, 1);
      assert.equal(outcomes.filter((result) => result.outcome === 'replayed').length, CONCURRENT_USES - 1);
    });

    it('sweeps requests that expired strictly before the given time, used or not, in batches', async () => {
      const old = [await aPushedRequest({ expiresAt: NOW - 1 }), await aPushedRequest({ expiresAt: NOW - 1, consumedAt: NOW - 30 }), await aPushedRequest({ expiresAt: NOW - 2 })];
      const atNow = await aPushedRequest({ expiresAt: NOW });
      assert.equal(await requests().deleteExpired(NOW, 2), 2);
      assert.equal(await requests().deleteExpired(NOW, 100), 1);
      assert.equal(await requests().deleteExpired(NOW, 100), 0);
      for (const request of old) assert.deepEqual(await requests().consume(request.requestHash, request.clientId, NOW - 10), { outcome: 'unknown' });
      assert.equal((await requests().consume(atNow.requestHash, atNow.clientId, NOW - 1)).outcome, 'redeemed');
    });

    it('goes with its client', async () => {
      const request = await aPushedRequest();
      assert.equal(await current().store.clients.delete(request.clientId), true);
      assert.deepEqual(await requests().consume(request.requestHash, request.clientId, NOW), { outcome: 'unknown' });
    });

    it('stores whether a client must push its requests', async () => {
      const { store } = current();
      const client = aClient({ requirePushedAuthorizationRequests: true });
      await store.clients.create(client);
      assert.equal((await store.clients.findById(client.clientId))?.requirePushedAuthorizationRequests, true);
      const updated = await store.clients.update(client.clientId, { requirePushedAuthorizationRequests: false }, NOW + 1);
      assert.equal(updated?.requirePushedAuthorizationRequests, false);
    });
  });
});
