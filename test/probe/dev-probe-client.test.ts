// The client `gatehouse probe --dev` signs in with: registered once in the dev database, public, then reused; a client
// of the same name that is not it is left alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ensureDevProbeClient, PROBE_CLIENT_NAME, PROBE_REDIRECT_URI } from '../../src/dev/probe-client.js';
import { EventBus } from '../../src/observability/events.js';
import { onSqliteOnly, useTestStore } from '../support/database.js';
import { aClient } from '../store/fixtures.js';

onSqliteOnly((engine) => {
  describe('dev probe client', () => {
    const current = useTestStore(engine);
    const options = () => ({ store: current().store, events: new EventBus(() => undefined), context: { actor: 'test' }, clock: () => 1_800_000_000, clientSecretGracePeriod: 3600 });

    it('is registered once as a public client, then found again', async () => {
      const first = await ensureDevProbeClient(options());
      assert.ok(first?.created);
      const record = await current().store.clients.findById(first.clientId);
      assert.equal(record?.tokenEndpointAuthMethod, 'none');
      assert.deepEqual(record?.redirectUris, [PROBE_REDIRECT_URI]);
      assert.equal(record?.firstParty, false, 'the first run goes through consent');
      assert.deepEqual(await ensureDevProbeClient(options()), { clientId: first.clientId, redirectUri: PROBE_REDIRECT_URI, created: false });
    });

    it('leaves alone a client of the same name that is not the probe client', async () => {
      await current().store.clients.create(aClient({ clientName: PROBE_CLIENT_NAME }));
      assert.equal(await ensureDevProbeClient(options()), undefined);
    });
  });
});
