// `gatehouse clients create|update --[no-]require-pushed-authorization-requests` (RFC 9126 §6), shown by `clients show`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { cliEnvironment, jsonOf, runCli } from './run-cli.js';

interface RegistrationJson {
  readonly client_id: string;
  readonly require_pushed_authorization_requests: boolean;
}

onSqliteOnly((engine) => {
  describe('gatehouse clients and pushed authorization requests', () => {
    let database: TestStore;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    const required = async (clientId: string) => (await database.store.clients.findById(clientId))?.requirePushedAuthorizationRequests;

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('requires a client to push its requests, shows it, and lifts the requirement', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Pusher', '--redirect-uri', 'https://pusher.example/cb', '--require-pushed-authorization-requests', '--json');
      assert.equal(created.code, 0, created.stderr);
      const { client_id: clientId, require_pushed_authorization_requests: requiredAtCreation } = jsonOf<RegistrationJson>(created);
      assert.equal(requiredAtCreation, true);
      assert.equal(await required(clientId), true);

      const shown = await gatehouse('clients', 'show', clientId);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /require_pushed_authorization_requests: +yes\n/);

      const lifted = await gatehouse('clients', 'update', clientId, '--no-require-pushed-authorization-requests', '--json');
      assert.equal(lifted.code, 0, lifted.stderr);
      assert.equal(jsonOf<RegistrationJson>(lifted).require_pushed_authorization_requests, false);
      assert.equal(await required(clientId), false);
      assert.match((await gatehouse('clients', 'show', clientId)).stdout, /require_pushed_authorization_requests: +no\n/);

      const untouched = await gatehouse('clients', 'update', clientId, '--scope', 'openid');
      assert.equal(untouched.code, 0, untouched.stderr);
      assert.equal(await required(clientId), false, 'an update without the flag leaves it as it was');
      assert.equal((await gatehouse('clients', 'update', clientId, '--require-pushed-authorization-requests')).code, 0);
      assert.equal(await required(clientId), true);
    });

    it('leaves a client created without the flag free to send plain requests', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Plain', '--redirect-uri', 'https://plain.example/cb', '--json');
      assert.equal(created.code, 0, created.stderr);
      assert.equal(jsonOf<RegistrationJson>(created).require_pushed_authorization_requests, false);
    });
  });
});
