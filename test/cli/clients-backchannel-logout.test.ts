// `gatehouse clients create|update --backchannel-logout-uri` as a real child process against both engines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

const RECEIVER = 'https://billing.example.com/backchannel-logout';

onSqliteOnly((engine) => {
  describe('gatehouse clients --backchannel-logout-uri', () => {
    let database: TestStore;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('registers the URI, shows it, and prints it with backchannel_logout_session_required (sid is always sent)', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Billing', '--redirect-uri', 'https://billing.example.com/cb', '--backchannel-logout-uri', RECEIVER, '--json');
      assert.equal(created.code, 0, created.stderr);
      const body = jsonOf<Record<string, unknown>>(created);
      assert.deepEqual([body.backchannel_logout_uri, body.backchannel_logout_session_required], [RECEIVER, true]);
      const clientId = String(body.client_id);
      assert.equal((await database.store.clients.findById(clientId))?.backchannelLogoutUri, RECEIVER);
      const shown = await gatehouse('clients', 'show', clientId);
      assert.match(shown.stdout, /backchannel_logout_uri: +https:\/\/billing\.example\.com\/backchannel-logout\n/);

      const cleared = await gatehouse('clients', 'update', clientId, '--backchannel-logout-uri', '', '--json');
      assert.equal(cleared.code, 0, cleared.stderr);
      const after = jsonOf<Record<string, unknown>>(cleared);
      assert.equal('backchannel_logout_uri' in after || 'backchannel_logout_session_required' in after, false);
      assert.equal((await database.store.clients.findById(clientId))?.backchannelLogoutUri, null);
      const audit = await database.store.audit.list({ limit: 1, type: 'client.updated' });
      assert.deepEqual(audit[0]?.details.fields, ['backchannel_logout_uri']);
    });

    it('refuses a URI with a fragment or plain http off loopback with one line and exit 1', async () => {
      const before = await database.store.clients.list();
      const [fragment, plain] = await Promise.all([
        gatehouse('clients', 'create', '--name', 'Frag', '--redirect-uri', 'https://a.example/cb', '--backchannel-logout-uri', 'https://a.example/bc#x'),
        gatehouse('clients', 'create', '--name', 'Plain', '--redirect-uri', 'https://a.example/cb', '--backchannel-logout-uri', 'http://a.example/bc'),
      ]);
      assertOneLineFailure(fragment, 1, /backchannel_logout_uri: back-channel logout URI must not contain a fragment/);
      assertOneLineFailure(plain, 1, /backchannel_logout_uri: back-channel logout URI must use https/);
      assert.deepEqual(await database.store.clients.list(), before);
    });
  });
});
