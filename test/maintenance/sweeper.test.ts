import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CODE_RETENTION_SECONDS, sweepExpiredState } from '../../src/maintenance/sweeper.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, anInteraction, aUser, NOW } from '../store/fixtures.js';

forEachEngine((engine) => {
  describe(`sweeping expired state (${engine.name})`, () => {
    const current = useTestStore(engine);

    it('forgets codes only after the retention period and interactions once expired', async () => {
      const { store } = current();
      const client = aClient();
      const user = aUser();
      await store.clients.create(client);
      await store.users.create(user);
      const forgotten = aCode(client, user, { expiresAt: NOW - CODE_RETENTION_SECONDS - 1 });
      const retained = aCode(client, user, { expiresAt: NOW - 10 });
      await store.authorizationCodes.create(forgotten);
      await store.authorizationCodes.create(retained);
      await store.interactions.create(anInteraction({ expiresAt: NOW - 1 }));
      const live = anInteraction({ expiresAt: NOW + 60 });
      await store.interactions.create(live);

      assert.deepEqual(await sweepExpiredState(store, NOW), { authorizationCodes: 1, interactions: 1, retryResponses: 0 });
      assert.equal((await store.authorizationCodes.consume(forgotten.codeHash, NOW)).outcome, 'unknown');
      // Still known, so a late replay is recognised as one.
      assert.equal((await store.authorizationCodes.consume(retained.codeHash, NOW)).outcome, 'expired');
      assert.ok(await store.interactions.findLive(live.interactionHash, NOW));
      assert.deepEqual(await sweepExpiredState(store, NOW), { authorizationCodes: 0, interactions: 0, retryResponses: 0 });
    });
  });
});
