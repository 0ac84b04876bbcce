// A service behind gatehouse/resource-server, for an API registered in a running Gatehouse: it accepts a token for
// its API and refuses one for another API, an expired one, and (in introspection mode) a revoked one.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAccessTokenVerifier, resourceServerPlugin, type AccessTokenVerifierOptions } from '../../src/resource-server/index.js';
import { signJwt } from '../../src/tokens/jwt.js';
import { createApi, createServiceClient } from '../support/apis.js';
import { forEachEngine } from '../support/database.js';
import { createClient, epochNow, postToken, type TestClient, type TokenResponseBody } from '../support/flow-fixtures.js';
import { useTestServer, type TestServer } from '../support/server.js';
import { postRevoke } from '../support/token-management.js';
import type { ApiRecord } from '../../src/store/records.js';

/** A service with one route needing `read:invoices`, guarded by the plugin. */
async function startService(options: AccessTokenVerifierOptions): Promise<{ service: FastifyInstance; url: string }> {
  const service = Fastify();
  await service.register(async (guarded) => {
    await guarded.register(resourceServerPlugin, { verifier: createAccessTokenVerifier(options) });
    guarded.get('/invoices', { config: { requiredScopes: ['read:invoices'] } }, (request) => ({ for: request.principal.subject }));
  });
  await service.listen({ host: '127.0.0.1', port: 0 });
  const address = service.server.address();
  assert.ok(typeof address === 'object' && address !== null);
  return { service, url: `http://127.0.0.1:${address.port}/invoices` };
}

async function tokenFor(server: TestServer, as: TestClient, api: ApiRecord): Promise<string> {
  const response = await postToken(server, { grant_type: 'client_credentials', resource: api.identifier }, { as });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as TokenResponseBody).access_token;
}

/** The claims of `token` with `exp` in the past, signed again with the server's access token key. */
function expired(server: TestServer, token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
  const key = server.keyRing.activeKey(server.config.keys.accessTokenAlgorithm);
  assert.ok(key);
  return signJwt({ typ: 'at+jwt' }, { ...claims, iat: epochNow() - 600, exp: epochNow() - 300 }, key);
}

async function status(url: string, token: string): Promise<number> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  return response.status;
}

forEachEngine((engine) => {
  describe(`a service behind gatehouse/resource-server for a registered API (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let invoices: ApiRecord;
    let payroll: ApiRecord;
    let caller: TestClient;
    let resourceServer: TestClient;
    const services: FastifyInstance[] = [];

    before(async () => {
      resourceServer = await createClient(suite.server);
      invoices = await createApi(suite.server, { resourceServerClientIds: [resourceServer.client.clientId] });
      payroll = await createApi(suite.server);
      caller = await createServiceClient(suite.server, [invoices, payroll]);
    });
    after(() => Promise.all(services.map((service) => service.close())));

    async function start(options: Omit<AccessTokenVerifierOptions, 'issuer' | 'audience'> = {}): Promise<string> {
      const { service, url } = await startService({ issuer: suite.server.config.issuer, audience: invoices.identifier, ...options });
      services.push(service);
      return url;
    }

    it('JWT mode: accepts a token for its API; refuses one for another API and an expired one', async () => {
      const url = await start();
      const token = await tokenFor(suite.server, caller, invoices);
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { for: caller.client.clientId });
      assert.equal(await status(url, await tokenFor(suite.server, caller, payroll)), 401);
      assert.equal(await status(url, expired(suite.server, token)), 401);
    });

    it('introspection mode: accepts a live token for its API, refuses one for another API, and one revoked a moment ago', async () => {
      const secret = resourceServer.secret;
      assert.ok(secret !== null);
      const url = await start({ introspection: { clientId: resourceServer.client.clientId, clientSecret: secret, cacheTtl: 0 } });
      const token = await tokenFor(suite.server, caller, invoices);
      assert.equal(await status(url, token), 200);
      assert.equal(await status(url, await tokenFor(suite.server, caller, payroll)), 401);
      const revoked = await postRevoke(suite.server, token, { as: caller });
      assert.equal(revoked.status, 200);
      assert.equal(await status(url, token), 401);
    });
  });
});
