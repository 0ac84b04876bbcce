// private_key_jwt with a jwks_uri: keys fetched, cached and refetched for a rotation; a jwks_uri that hangs, answers
// garbage, 10 MB, a 500 or a redirect fails only that client's authentication, in bounded time (RFC 7591 §2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BOGUS_REFRESH,
  createKeyClient,
  generateClientKey,
  postWithAssertion,
  signAssertion,
  startJwksServer,
  type ClientKey,
  type JwksBehaviour,
  type JwksServer,
} from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const TIMEOUT_MS = 400;

forEachEngine((engine) => {
  describe(`private_key_jwt with a jwks_uri (${engine.name})`, () => {
    // No client cache, so a changed jwks_uri is read at the next request.
    const suite = useTestServer(engine, {
      GATEHOUSE_CLIENT_ASSERTIONS_JWKS_TIMEOUT: String(TIMEOUT_MS),
      GATEHOUSE_CLIENT_ASSERTIONS_JWKS_MAX_BYTES: '65536',
      GATEHOUSE_LIMITS_CLIENT_CACHE_TTL: '0',
    });
    let jwks: JwksServer;
    let key: ClientKey;
    before(async () => {
      key = await generateClientKey('ES256');
      jwks = await startJwksServer([key]);
    });
    after(() => jwks.close());

    const authenticate = async (clientId: string, signingKey = key) =>
      postWithAssertion(suite.server, BOGUS_REFRESH, await signAssertion(suite.server, clientId, signingKey));
    const authenticated = async (response: Response) => assertTokenError(response, 'invalid_grant');
    const refused = async (response: Response) => assertTokenError(response, 'invalid_client', 401);

    it('fetches the keys once and reuses them', async () => {
      jwks.behaviour = 'keys';
      const { client } = await createKeyClient(suite.server, { jwksUri: jwks.url });
      const before = jwks.requests();
      await authenticated(await authenticate(client.clientId));
      await authenticated(await authenticate(client.clientId));
      assert.equal(jwks.requests() - before, 1);
    });

    it('shares one fetch among concurrent authentications', async () => {
      jwks.behaviour = 'keys';
      const { client } = await createKeyClient(suite.server, { jwksUri: jwks.url });
      const before = jwks.requests();
      const assertions = await Promise.all(Array.from({ length: 5 }, () => signAssertion(suite.server, client.clientId, key)));
      const responses = await Promise.all(assertions.map((signed) => postWithAssertion(suite.server, BOGUS_REFRESH, signed)));
      for (const response of responses) await authenticated(response);
      assert.equal(jwks.requests() - before, 1);
    });

    it('refetches for a key it does not know (a rotation), at most once a minute', async () => {
      jwks.behaviour = 'keys';
      const { client } = await createKeyClient(suite.server, { jwksUri: jwks.url });
      await authenticated(await authenticate(client.clientId));
      const rotated = await generateClientKey('ES256');
      jwks.keys = [key, rotated];
      const before = jwks.requests();
      await authenticated(await authenticate(client.clientId, rotated));
      assert.equal(jwks.requests() - before, 1, 'the unknown kid caused one fetch');
      const invented = await generateClientKey('ES256');
      await refused(await authenticate(client.clientId, invented));
      await refused(await authenticate(client.clientId, invented));
      assert.equal(jwks.requests() - before, 1, 'made-up kids within the minute cause no fetch');
    });

    it('fetches the keys of a changed jwks_uri at once, without waiting for the cached set to expire', async () => {
      jwks.behaviour = 'keys';
      const { client } = await createKeyClient(suite.server, { jwksUri: jwks.url });
      await authenticated(await authenticate(client.clientId));
      // An unknown kid spends this minute's refetch, so only the change of URI can bring the new key.
      await refused(await authenticate(client.clientId, await generateClientKey('ES256')));
      const moved = await generateClientKey('ES256');
      const elsewhere = await startJwksServer([moved]);
      try {
        await suite.server.store.clients.update(client.clientId, { jwksUri: elsewhere.url }, client.updatedAt + 1);
        await authenticated(await authenticate(client.clientId, moved));
        assert.equal(elsewhere.requests(), 1);
        await refused(await authenticate(client.clientId, key));
      } finally {
        await elsewhere.close();
      }
    });

    const failures: Record<Exclude<JwksBehaviour, 'keys'>, string> = {
      hang: `jwks_uri did not answer within ${TIMEOUT_MS} ms`,
      garbage: 'jwks_uri did not answer with JSON',
      huge: 'the answer is larger than 65536 bytes',
      error: 'jwks_uri answered HTTP 500',
      redirect: 'jwks_uri answered HTTP 302',
      private: 'jwks_uri did not answer with a usable JWK Set: key 1 holds the private member \\"d\\"',
    };
    for (const [behaviour, cause] of Object.entries(failures) as [JwksBehaviour, string][]) {
      it(`refuses the client when its jwks_uri answers "${behaviour}", and logs why`, async () => {
        jwks.behaviour = behaviour;
        const { client } = await createKeyClient(suite.server, { jwksUri: jwks.url });
        await refused(await authenticate(client.clientId));
        assert.ok(suite.server.logs().includes(`"cause":"${cause}`), cause);
      });
    }

    it('keeps serving other clients while one jwks_uri hangs', async () => {
      jwks.behaviour = 'hang';
      const { client: hanging } = await createKeyClient(suite.server, { jwksUri: jwks.url });
      const other = await generateClientKey('ES256');
      const { client: healthy } = await createKeyClient(suite.server, { jwks: [other] });
      const order: string[] = [];
      const slow = authenticate(hanging.clientId).then(async (response) => {
        order.push('hanging');
        await refused(response);
      });
      await authenticated(await authenticate(healthy.clientId, other));
      order.push('healthy');
      await slow;
      assert.deepEqual(order, ['healthy', 'hanging']);
    });
  });
});
