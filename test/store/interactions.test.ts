// Store contract, interactions: the request round-trips whole, live until expiry, completed exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestStore, forEachEngine, useTestStore, type TestStore } from '../support/database.js';
import { anAuthorizationRequest, anInteraction, NOW } from './fixtures.js';

const CONCURRENT_COMPLETIONS = 20;

forEachEngine((engine) => {
  describe('interactions', () => {
    const current = useTestStore(engine);

    it('finds a live interaction by hash, request and all, field for field', async () => {
      const { store } = current();
      const interaction = anInteraction();
      await store.interactions.create(interaction);
      assert.deepEqual(await store.interactions.findLive(interaction.interactionHash, NOW), interaction);
      assert.equal(await store.interactions.findLive('no-such-hash', NOW), undefined);
    });

    it('keeps null and empty optional request fields as they were', async () => {
      const { store } = current();
      const request = anAuthorizationRequest({ state: null, nonce: null, prompt: [], maxAge: null, loginHint: null, responseMode: 'form_post' });
      const interaction = anInteraction({ request });
      await store.interactions.create(interaction);
      assert.deepEqual((await store.interactions.findLive(interaction.interactionHash, NOW))?.request, request);
    });

    it('is live until one second before expiresAt', async () => {
      const { store } = current();
      const interaction = anInteraction({ expiresAt: NOW + 100 });
      await store.interactions.create(interaction);
      assert.ok(await store.interactions.findLive(interaction.interactionHash, NOW + 99));
      assert.equal(await store.interactions.findLive(interaction.interactionHash, NOW + 100), undefined);
      assert.equal(await store.interactions.complete(interaction.interactionHash, NOW + 100), false);
    });

    it('completes once; a completed interaction is no longer live', async () => {
      const { store } = current();
      const interaction = anInteraction();
      await store.interactions.create(interaction);
      assert.equal(await store.interactions.complete(interaction.interactionHash, NOW + 1), true);
      assert.equal(await store.interactions.complete(interaction.interactionHash, NOW + 2), false);
      assert.equal(await store.interactions.findLive(interaction.interactionHash, NOW + 3), undefined);
      assert.equal(await store.interactions.complete('no-such-hash', NOW), false);
    });

    it('advances a live interaction to its next step, and nothing once it is completed or expired', async () => {
      const { store } = current();
      const interaction = anInteraction({ expiresAt: NOW + 100 });
      await store.interactions.create(interaction);
      const step = { awaiting: 'consent', loginSessionId: 'session-a', consentSessionId: 'session-a' } as const;
      assert.equal(await store.interactions.advance(interaction.interactionHash, step, NOW + 1), true);
      assert.deepEqual(await store.interactions.findLive(interaction.interactionHash, NOW + 1), { ...interaction, ...step });
      assert.equal(await store.interactions.advance(interaction.interactionHash, step, NOW + 100), false, 'expired');
      assert.equal(await store.interactions.complete(interaction.interactionHash, NOW + 2), true);
      assert.equal(await store.interactions.advance(interaction.interactionHash, { ...step, awaiting: 'login' }, NOW + 3), false, 'completed');
      assert.equal(await store.interactions.advance('no-such-hash', step, NOW), false);
    });

    it('refuses a duplicate interaction hash', async () => {
      const { store } = current();
      const interaction = anInteraction();
      await store.interactions.create(interaction);
      await assert.rejects(store.interactions.create(interaction), { name: 'DuplicateError', field: 'interaction_hash' });
    });

    it('deletes only interactions that expired strictly before the given time', async () => {
      const { store } = current();
      const old = anInteraction({ expiresAt: NOW - 10 });
      const boundary = anInteraction({ expiresAt: NOW });
      const live = anInteraction({ expiresAt: NOW + 60 });
      for (const interaction of [old, boundary, live]) await store.interactions.create(interaction);
      assert.equal(await store.interactions.deleteExpired(NOW, 10), 1);
      assert.equal(await store.interactions.deleteExpired(NOW, 10), 0);
      assert.ok(await store.interactions.findLive(live.interactionHash, NOW));
    });
  });

  describe('concurrent interaction completion', () => {
    let database: TestStore;
    before(async () => {
      database = await createTestStore(engine);
    });
    after(async () => {
      await database.cleanup();
    });

    it(`completes an interaction exactly once among ${CONCURRENT_COMPLETIONS} concurrent calls`, async () => {
      const interaction = anInteraction();
      await database.store.interactions.create(interaction);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT_COMPLETIONS }, () => database.store.interactions.complete(interaction.interactionHash, NOW)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
});
