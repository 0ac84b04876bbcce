// invalid_client says why when a known client used another method than its registered one (what to change, never the
// secret), and says one generic thing for an unknown client or a wrong secret (SECURITY.md (client authentication)).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachEngine } from '../support/database.js';
import { basicAuthorization, createClient, postToken, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const GENERIC = 'Client authentication failed.';
const grant = { grant_type: 'refresh_token', refresh_token: 'not-a-real-token' };

/** A 401 invalid_client with a Basic challenge exactly when Basic was tried; returns its description. */
async function invalidClient(response: Response, basicTried: boolean): Promise<string> {
  assert.equal(response.status, 401);
  assert.equal(response.headers.get('www-authenticate'), basicTried ? 'Basic realm="gatehouse"' : null);
  const body = (await response.json()) as { error: string; error_description: string };
  assert.equal(body.error, 'invalid_client');
  return body.error_description;
}

forEachEngine((engine) => {
  describe(`client authentication errors say why (${engine.name})`, () => {
    const suite = useTestServer(engine);
    const clients = async () => ({
      basic: await createClient(suite.server),
      post: await createClient(suite.server, { tokenEndpointAuthMethod: 'client_secret_post' }),
      publicClient: await createClient(suite.server, { clientType: 'public' }),
    });
    const inBody = (as: TestClient, secret?: string) =>
      postToken(suite.server, { ...grant, client_id: as.client.clientId, ...(secret === undefined ? {} : { client_secret: secret }) });
    const inBasic = (clientId: string, secret: string) => postToken(suite.server, grant, { headers: { authorization: basicAuthorization(clientId, secret) } });

    it('tells a client_secret_basic client to use the Basic header, not the body', async () => {
      const { basic } = await clients();
      const description = await invalidClient(await inBody(basic, basic.secret!), false);
      assert.equal(description, 'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header, not in the request body.');
      assert.ok(!description.includes(basic.secret!));
    });

    it('tells a confidential client that sent no secret how to send it', async () => {
      const { basic, post } = await clients();
      assert.equal(
        await invalidClient(await inBody(basic), false),
        'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header; the request carried no secret.',
      );
      assert.equal(
        await invalidClient(await inBody(post), false),
        'This client is registered for client_secret_post: send the client_id and client_secret as form parameters in the request body; the request carried no secret.',
      );
    });

    it('tells a client_secret_post client to put its secret in the body, not a Basic header', async () => {
      const { post } = await clients();
      assert.equal(
        await invalidClient(await inBasic(post.client.clientId, post.secret!), true),
        'This client is registered for client_secret_post: send the client_id and client_secret as form parameters in the request body, not in an HTTP Basic Authorization header.',
      );
    });

    it('tells a public client to send its client_id alone', async () => {
      const { publicClient } = await clients();
      assert.equal(
        await invalidClient(await inBody(publicClient, 'a-secret-it-never-had'), false),
        'This client is public (registered for none): send only its client_id in the request body, without a client_secret.',
      );
      assert.equal(
        await invalidClient(await inBasic(publicClient.client.clientId, 'a-secret-it-never-had'), true),
        'This client is public (registered for none): send only its client_id in the request body, without an HTTP Basic Authorization header.',
      );
    });

    it('says the same generic thing for an unknown client and a wrong secret, by either method', async () => {
      const { basic, post } = await clients();
      const descriptions = [
        await invalidClient(await inBasic('no-such-client', 'x'), true),
        await invalidClient(await inBasic(basic.client.clientId, 'wrong'), true),
        await invalidClient(await inBody({ ...post, client: { ...post.client, clientId: 'no-such-client' } }, 'x'), false),
        await invalidClient(await inBody(post, 'wrong'), false),
        await invalidClient(await postToken(suite.server, { ...grant, client_id: 'no-such-client' }), false),
      ];
      assert.deepEqual(descriptions, Array(descriptions.length).fill(GENERIC));
    });

    it('tells a request without any client identification to send one', async () => {
      assert.equal(
        await invalidClient(await postToken(suite.server, grant), false),
        'The request does not identify the client: send its credentials by its registered authentication method.',
      );
    });
  });
});
