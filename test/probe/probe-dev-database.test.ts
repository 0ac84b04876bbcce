// `gatehouse probe --dev` and the dev database, on both engines, without a server: a run it refuses writes nothing,
// and a client of the probe's name that is not the probe client is named in a one-line refusal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROBE_CLIENT_NAME } from '../../src/dev/probe-client.js';
import { assertOneLineFailure } from '../cli/run-cli.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { aClient } from '../store/fixtures.js';
import { runProbeCommand } from './run-probe.js';

onSqliteOnly((engine) => {
  describe('gatehouse probe --dev and the dev database', () => {
    let database: TestStore;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      database = await createTestStore(engine);
      env = { GATEHOUSE_DATA_DIR: database.dataDir, ...(engine.name === 'postgres' ? { GATEHOUSE_DATABASE_URL: database.databaseUrl } : {}) };
    });
    after(() => database.cleanup());

    const rows = async () => ({
      clients: await database.sql('select client_id from clients'),
      audit: await database.sql('select type from audit_events'),
    });

    it('refuses a run without a password before registering or auditing anything', async () => {
      const before = await rows();
      const result = await runProbeCommand({ args: ['--dev'], env, cwd: database.dataDir });
      assertOneLineFailure(result, 2, /no password for the test account: set GATEHOUSE_PROBE_PASSWORD/);
      assert.deepEqual(await rows(), before);
    });

    it('names a same-named client that is not the probe client, and leaves it alone', async () => {
      await database.store.clients.create(aClient({ clientName: PROBE_CLIENT_NAME }));
      const before = await rows();
      const result = await runProbeCommand({ args: ['--dev'], env, password: 'pw', cwd: database.dataDir });
      assertOneLineFailure(result, 2, /a client named "Gatehouse Probe" exists but is not the dev probe client; name one with --client-id and --redirect-uri/);
      assert.deepEqual(await rows(), before);
    });
  });
});
