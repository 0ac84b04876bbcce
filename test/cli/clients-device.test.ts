// `gatehouse clients create` for a device (RFC 8628) as a real child process: a public client with no redirect URI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

onSqliteOnly((engine) => {
  describe('gatehouse clients for devices', () => {
    let database: TestStore;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('creates a public device client without a redirect URI, and shows its grant types', async () => {
      const created = await gatehouse('clients', 'create', '--name', 'Living room TV', '--type', 'public', '--grant-types', `${DEVICE_CODE},refresh_token`, '--json');
      assert.equal(created.code, 0, created.stderr);
      const body = jsonOf<Record<string, unknown>>(created);
      assert.equal(body.client_secret, undefined);
      assert.equal(body.token_endpoint_auth_method, 'none');
      assert.deepEqual(body.grant_types, ['refresh_token', DEVICE_CODE]);
      assert.deepEqual(body.redirect_uris, []);
      assert.deepEqual(body.response_types, []);
      assert.equal(body.scope, 'openid profile email offline_access');
      const shown = await gatehouse('clients', 'show', String(body.client_id));
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, new RegExp(`grant_types:\\s+refresh_token, ${DEVICE_CODE}`));
      assert.match(shown.stdout, /redirect_uris:\s+\(none\)/);
    });

    it('refuses a redirect URI on a device-only client, and refresh_token without a grant that issues it, in one line', async () => {
      const withUri = await gatehouse('clients', 'create', '--name', 'Kiosk', '--type', 'public', '--grant-types', DEVICE_CODE, '--redirect-uri', 'https://kiosk.example/cb');
      assertOneLineFailure(withUri, 1, /redirect_uris: only a client registered for authorization_code has redirect URIs/);
      const refreshOnly = await gatehouse('clients', 'create', '--name', 'Kiosk', '--type', 'public', '--grant-types', 'refresh_token');
      assertOneLineFailure(refreshOnly, 1, /refresh_token requires authorization_code or urn:ietf:params:oauth:grant-type:device_code/);
    });
  });
});
