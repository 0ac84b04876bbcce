// The metric labels go to the clients most active in the store as soon as the ranking starts, before any request.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientLabelRanking } from '../../src/observability/client-label-ranking.js';
import { ClientLabels } from '../../src/observability/client-labels.js';
import { createLogger } from '../../src/observability/logger.js';
import { forEachEngine, useTestStore } from '../support/database.js';
import { aClient, aCode, aUser, NOW } from '../store/fixtures.js';

forEachEngine((engine) => {
  describe(`client label ranking (${engine.name})`, () => {
    const current = useTestStore(engine);

    it('labels the most active clients of the last 7 days at start', async () => {
      const { store } = current();
      const user = aUser();
      await store.users.create(user);
      const [busy, quiet, old] = [aClient({ clientId: 'busy', clientName: 'busy' }), aClient({ clientId: 'a-quiet', clientName: 'quiet' }), aClient({ clientId: 'a-old', clientName: 'old' })];
      for (const client of [busy, quiet, old]) await store.clients.create(client);
      await store.authorizationCodes.create(aCode(busy, user, { createdAt: NOW - 3600 }));
      // Eight days ago: outside the window, however busy it was then.
      for (let index = 0; index < 3; index += 1) await store.authorizationCodes.create(aCode(old, user, { createdAt: NOW - 8 * 86_400 }));
      const labels = new ClientLabels(1);
      const ranking = new ClientLabelRanking(labels, store, () => NOW, createLogger('silent'));
      await ranking.start();
      await ranking.stop();
      assert.deepEqual(['busy', 'a-quiet', 'a-old'].map((clientId) => labels.of(clientId)), ['busy', 'other', 'other']);
    });
  });
});
