// SECURITY.md (passwords): after `gatehouse users set-password`, nothing obtained with the old password still works.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliEnvironment, runCli } from '../cli/run-cli.js';
import { CODE_VERIFIER, authorizeUrl, redirectParameters } from '../support/authorization.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError } from '../support/flow-fixtures.js';
import { logIn, REDIRECT_URI, seedClient, seedUser } from '../support/login.js';
import { useTestServer } from '../support/server.js';

const SCOPE = 'openid profile offline_access';

forEachEngine((engine) => {
  describe(`a password changed by the CLI (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it('ends the browser session and the refresh token family of that user', async () => {
      const { server, database } = suite;
      const client = await seedClient(server.store, { firstParty: true, grantTypes: ['authorization_code', 'refresh_token'], scope: SCOPE });
      const user = await seedUser(server.store);
      const browser = await logIn(server, client, user);
      const refresh = (refreshToken: string) =>
        fetch(`${server.url}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.clientId }) });

      // Before: the session skips the login page and a code becomes a refresh token.
      const code = redirectParameters(await browser.get(authorizeUrl(client, { scope: SCOPE })), REDIRECT_URI).get('code') ?? '';
      const exchanged = await fetch(`${server.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: CODE_VERIFIER, client_id: client.clientId }),
      });
      assert.equal(exchanged.status, 200, await exchanged.clone().text());
      const { refresh_token: refreshToken } = (await exchanged.json()) as { refresh_token: string };

      const changed = await runCli(['users', 'set-password', user.username, '--password-stdin'], {
        env: cliEnvironment(database),
        cwd: database.dataDir,
        input: 'an entirely new passphrase',
      });
      assert.equal(changed.code, 0, changed.stderr);

      const again = await browser.get(authorizeUrl(client, { scope: SCOPE }));
      assert.equal(again.status, 303);
      assert.equal(new URL(again.headers.get('location') ?? '', server.url).pathname, '/login', 'the old session no longer skips the login');
      await assertTokenError(await refresh(refreshToken), 'invalid_grant');
    });
  });
});
