// State lives in the database, not the process: a restart mid-flow loses nothing, and CLI changes reach a running server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientRecord } from '../../src/store/records.js';
import { CALLBACK, CODE_VERIFIER, authorizeUrl, plantSession, redirectParameters, registerClient, registerUser } from '../support/authorization.js';
import { BrowserLike } from '../support/browser-like.js';
import { createTestStore, forEachEngine } from '../support/database.js';
import { startTestServer } from '../support/server.js';
import { cliEnvironment, jsonOf, runCli } from '../cli/run-cli.js';
import { beginInteraction, postLogin } from '../support/login.js';

function redeem(serverUrl: string, client: Pick<ClientRecord, 'clientId'>, code: string): Promise<Response> {
  return fetch(`${serverUrl}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: client.clientId, code, redirect_uri: CALLBACK, code_verifier: CODE_VERIFIER }),
  });
}

forEachEngine((engine) => {
  describe(`state across processes (${engine.name})`, () => {
    it('redeems a code issued before a restart after it', async (t) => {
      const database = await createTestStore(engine);
      const servers: Array<{ close(): Promise<void> }> = [];
      // Servers first: their audit writes must finish before the database is dropped.
      t.after(async () => {
        for (const server of servers) await server.close();
        await database.cleanup();
      });
      const client = await registerClient(database.store, { clientType: 'public', tokenEndpointAuthMethod: 'none', firstParty: true });
      const user = await registerUser(database.store);

      const before = await startTestServer(database);
      const browser = new BrowserLike(before.url);
      await plantSession(database.store, before.config, browser, user);
      const code = redirectParameters(await browser.get(authorizeUrl(client))).get('code') ?? '';
      await before.close();

      const after = await startTestServer(database);
      servers.push(after);
      const response = await redeem(after.url, client, code);
      assert.equal(response.status, 200, await response.clone().text());
      assert.ok(((await response.json()) as { access_token?: string }).access_token);
    });

    it('sees a client and a user created by the CLI at once', async (t) => {
      const database = await createTestStore(engine);
      const server = await startTestServer(database);
      t.after(async () => {
        await server.close();
        await database.cleanup();
      });
      const env = cliEnvironment(database);
      const created = await runCli(
        ['clients', 'create', '--json', '--name', 'Made by CLI', '--redirect-uri', CALLBACK, '--type', 'public', '--token-endpoint-auth-method', 'none'],
        { env, cwd: database.dataDir },
      );
      const password = 'a password from the CLI';
      const user = await runCli(['users', 'create', '--username', 'cli-user', '--password-stdin'], { env, cwd: database.dataDir, input: password });
      assert.equal(user.code, 0, user.stderr);
      const clientId = jsonOf<{ client_id: string }>(created).client_id;
      const client = await database.store.clients.findById(clientId);
      assert.ok(client);

      // The authorization endpoint knows the new client: it asks for a login instead of showing an unknown-client page.
      const flow = await beginInteraction(server, client);
      const login = await postLogin(flow, { username: 'cli-user', password });
      assert.equal(login.status, 303);
      assert.match(login.headers.get('location') ?? '', /\/authorize\/resume\?interaction=/);
    });
  });
});
