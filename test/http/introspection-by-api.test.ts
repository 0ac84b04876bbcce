// POST /introspect by an API's resource server (RFC 7662 §4, RFC 8707): the clients registered as an API's resource
// server see the tokens meant for that API, whoever they were issued to, and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { createClient, postToken, startGrant, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { introspect } from '../support/token-management.js';

const INACTIVE = { active: false };

async function clientCredentialsToken(server: TestServer, as: TestClient, resource: string): Promise<string> {
  const response = await postToken(server, { grant_type: 'client_credentials', resource }, { as });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as TokenResponseBody).access_token;
}

forEachEngine((engine) => {
  describe(`introspection by an API's resource server (${engine.name})`, () => {
    const suite = useTestServer(engine);

    it("lets the API's resource server see tokens meant for it, and no other client", async () => {
      const { server } = suite;
      const resourceServer = await createClient(server);
      const bystander = await createClient(server);
      const api = await createApi(server, { resourceServerClientIds: [resourceServer.client.clientId] });
      const caller = await createServiceClient(server, [api]);
      const token = await clientCredentialsToken(server, caller, api.identifier);
      const answer = await introspect(server, token, resourceServer);
      assert.equal(answer.active, true);
      assert.equal(answer.aud, api.identifier);
      assert.equal(answer.client_id, caller.client.clientId);
      assert.deepEqual(await introspect(server, token, bystander), INACTIVE);
      // The token's own client still sees it.
      assert.equal((await introspect(server, token, caller)).active, true);
    });

    it("does not let one API's resource server see another API's tokens or a client's userinfo tokens", async () => {
      const { server } = suite;
      const resourceServer = await createClient(server);
      const ours = await createApi(server, { resourceServerClientIds: [resourceServer.client.clientId] });
      const theirs = await createApi(server);
      const caller = await createServiceClient(server, [ours, theirs]);
      assert.deepEqual(await introspect(server, await clientCredentialsToken(server, caller, theirs.identifier), resourceServer), INACTIVE);
      const { tokens } = await startGrant(server);
      assert.deepEqual(await introspect(server, tokens.access_token, resourceServer), INACTIVE);
    });

    it("answers inactive for a client's own token once that client is deleted", async () => {
      const { server } = suite;
      const resourceServer = await createClient(server);
      const api = await createApi(server, { resourceServerClientIds: [resourceServer.client.clientId] });
      const caller = await createServiceClient(server, [api]);
      const token = await clientCredentialsToken(server, caller, api.identifier);
      assert.equal((await introspect(server, token, resourceServer)).active, true);
      assert.equal(await server.store.clients.delete(caller.client.clientId), true);
      assert.deepEqual(await introspect(server, token, resourceServer), INACTIVE);
    });
  });
});
