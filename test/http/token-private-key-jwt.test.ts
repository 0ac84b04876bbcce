// private_key_jwt at the token endpoint (RFC 7523 §2.2, §3): a good assertion authenticates, and every forged, expired,
// replayed, misaddressed or weakly signed one is a 401 invalid_client that tells the client nothing more.
import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT } from 'jose';
import {
  BOGUS_REFRESH,
  createKeyClient,
  generateClientKey,
  postWithAssertion,
  signAssertion,
  type ClientKey,
} from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import { assertTokenError, auditEvents, basicAuthorization, createUser, epochNow, issueCode, pkcePair, postToken, REDIRECT_URI, type TestClient } from '../support/flow-fixtures.js';
import { useTestServer } from '../support/server.js';

const GENERIC = 'Client authentication failed.';

/** The assertion with some claims changed and the original signature kept: a forgery. */
function tamper(signed: string, changes: Readonly<Record<string, unknown>>): string {
  const [header, payload, signature] = signed.split('.') as [string, string, string];
  const claims = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString()) as object), ...changes };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

forEachEngine((engine) => {
  describe(`private_key_jwt client authentication (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let key: ClientKey;
    let as: TestClient;
    const clientId = () => as.client.clientId;
    const assertion = (options?: Parameters<typeof signAssertion>[3]) => signAssertion(suite.server, clientId(), key, options);

    /** 401 invalid_client with the generic description and no Basic challenge. */
    async function assertRefused(response: Response, description = GENERIC): Promise<void> {
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), null);
      const body = (await response.json()) as { error: string; error_description: string };
      assert.deepEqual(body, { error: 'invalid_client', error_description: description });
    }

    it('redeems a code with an assertion addressed to the token endpoint, or to the issuer', async () => {
      key = await generateClientKey('ES256');
      as = await createKeyClient(suite.server, { jwks: [key] });
      assert.equal(as.secret, null, 'a private_key_jwt client has no secret');
      const user = await createUser(suite.server);
      for (const aud of [`${suite.server.config.issuer}/token`, suite.server.config.issuer]) {
        const pkce = pkcePair();
        const code = await issueCode(suite.server, as.client, user, pkce);
        const grant = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: pkce.verifier };
        const response = await postWithAssertion(suite.server, grant, await assertion({ claims: { aud } }));
        assert.equal(response.status, 200, await response.clone().text());
      }
    });

    it('accepts RSA, RSA-PSS and EdDSA keys, and a client_id parameter naming the same client', async () => {
      const keys = await Promise.all(['RS256', 'PS384', 'EdDSA'].map((alg) => generateClientKey(alg)));
      const client = await createKeyClient(suite.server, { jwks: keys });
      for (const each of keys) {
        const response = await postWithAssertion(suite.server, BOGUS_REFRESH, await signAssertion(suite.server, client.client.clientId, each), client.client.clientId);
        await assertTokenError(response, 'invalid_grant');
      }
    });

    it('picks the key that verifies when the assertion names no kid', async () => {
      const [first, second] = [await generateClientKey('ES256', 'same'), await generateClientKey('ES256', 'same')];
      const client = await createKeyClient(suite.server, { jwks: [first, second] });
      const signed = await signAssertion(suite.server, client.client.clientId, second, { header: { kid: undefined } });
      await assertTokenError(await postWithAssertion(suite.server, BOGUS_REFRESH, signed), 'invalid_grant');
    });

    it('refuses a replayed assertion (the same jti), recording a security event', async () => {
      const signed = await assertion();
      await assertTokenError(await postWithAssertion(suite.server, BOGUS_REFRESH, signed), 'invalid_grant');
      assert.equal((await auditEvents(suite.server, 'client_assertion.replayed', 0)).length, 0);
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, signed));
      const [replayed] = await auditEvents(suite.server, 'client_assertion.replayed');
      assert.equal(replayed?.clientId, clientId());
      assert.equal(replayed?.ip, '127.0.0.1');
      const sameJti = await assertion({ claims: { jti: (JSON.parse(Buffer.from(signed.split('.')[1]!, 'base64url').toString()) as { jti: string }).jti } });
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, sameJti));
    });

    it('refuses forged, expired, premature, long-lived, misaddressed and incomplete assertions', async () => {
      const now = epochNow();
      const tolerance = suite.server.config.tokens.clockTolerance;
      const forger = await generateClientKey('ES256', key.kid);
      const refused: Record<string, string> = {
        'signed by another key under the same kid': await signAssertion(suite.server, clientId(), forger),
        'expired': await assertion({ claims: { exp: now - tolerance - 5, iat: now - 300 } }),
        'exp too far ahead': await assertion({ claims: { exp: now + 3600 } }),
        'no exp': await assertion({ claims: { exp: undefined } }),
        'no jti': await assertion({ claims: { jti: undefined } }),
        'empty jti': await assertion({ claims: { jti: '' } }),
        'nbf in the future': await assertion({ claims: { nbf: now + tolerance + 60 } }),
        'iat in the future': await assertion({ claims: { iat: now + tolerance + 60 } }),
        'aud another server': await assertion({ claims: { aud: 'https://other.example/token' } }),
        'aud the userinfo endpoint': await assertion({ claims: { aud: `${suite.server.config.issuer}/userinfo` } }),
        'no aud': await assertion({ claims: { aud: undefined } }),
        'iss another client': await assertion({ claims: { iss: 'someone-else' } }),
        'unknown kid': await assertion({ header: { kid: 'not-registered' } }),
        'claims changed after signing': tamper(await assertion(), { exp: now + 120 }),
      };
      for (const [name, signed] of Object.entries(refused)) {
        await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, signed)).catch((error: unknown) => assert.fail(`${name}: ${String(error)}`));
      }
    });

    it('refuses symmetric and unsigned assertions: HS256 keyed with anything, and alg none', async () => {
      const secret = createSecretKey(Buffer.from(JSON.stringify(key.publicJwk)));
      const now = epochNow();
      const claims = { iss: clientId(), sub: clientId(), aud: `${suite.server.config.issuer}/token`, exp: now + 60, jti: `hs-${now}` };
      const hs256 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(secret);
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, hs256));
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const none = `${encode({ alg: 'none', kid: key.kid })}.${encode({ ...claims, jti: `none-${now}` })}.`;
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, none));
    });

    it('reads the client from sub, refusing a client_id parameter that names another client', async () => {
      const other = await createKeyClient(suite.server, { jwks: [await generateClientKey()] });
      await assertTokenError(await postWithAssertion(suite.server, BOGUS_REFRESH, await assertion(), other.client.clientId), 'invalid_request');
      // sub names the other client, whose keys did not sign it.
      const stolen = await signAssertion(suite.server, other.client.clientId, key);
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, stolen));
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, await signAssertion(suite.server, 'no-such-client', key)));
    });

    it('answers unreadable assertions, other assertion types and half-sent parameters with a specific error', async () => {
      const post = (fields: Record<string, string>) => postToken(suite.server, { ...BOGUS_REFRESH, ...fields });
      const type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
      await assertRefused(await post({ client_assertion_type: type, client_assertion: 'not.a.jwt' }), 'The client assertion could not be read as a JWT with a sub claim.');
      await assertRefused(
        await post({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await assertion() }),
        `The client_assertion_type is not supported: use ${type}.`,
      );
      await assertTokenError(await post({ client_assertion: await assertion() }), 'invalid_request');
      await assertTokenError(await post({ client_assertion_type: type }), 'invalid_request');
    });

    it('refuses an assertion sent together with another method', async () => {
      const secretClient = await createKeyClient(suite.server, {}, { tokenEndpointAuthMethod: 'client_secret_post' });
      const both = await postWithAssertion(suite.server, { ...BOGUS_REFRESH, client_secret: secretClient.secret! }, await assertion());
      await assertTokenError(both, 'invalid_request');
      const basic = await fetch(`${suite.server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuthorization(clientId(), 'x') },
        body: new URLSearchParams({ ...BOGUS_REFRESH, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion() }).toString(),
      });
      await assertTokenError(basic, 'invalid_request');
    });

    it('tells a client which method it is registered for when it used another', async () => {
      await assertRefused(
        await postToken(suite.server, { ...BOGUS_REFRESH, client_id: clientId(), client_secret: 'a-secret-it-never-had' }),
        'This client is registered for private_key_jwt: send client_assertion_type and a client_assertion signed with its private key, not a client_secret.',
      );
      await assertRefused(
        await postToken(suite.server, { ...BOGUS_REFRESH, client_id: clientId() }),
        'This client is registered for private_key_jwt: send client_assertion_type and a client_assertion signed with its private key; the request carried none.',
      );
      const basicClient = await createKeyClient(suite.server, {}, { tokenEndpointAuthMethod: 'client_secret_basic' });
      await assertRefused(
        await postWithAssertion(suite.server, BOGUS_REFRESH, await signAssertion(suite.server, basicClient.client.clientId, key)),
        'This client is registered for client_secret_basic: send the client_id and secret in an HTTP Basic Authorization header, not a client assertion.',
      );
    });

    it('logs why an assertion was refused, never the assertion itself', async () => {
      const signed = await assertion({ claims: { aud: 'https://other.example/token' } });
      await assertRefused(await postWithAssertion(suite.server, BOGUS_REFRESH, signed));
      const logs = suite.server.logs();
      assert.ok(logs.includes('"cause":"client assertion refused: unexpected \\"aud\\" claim value"'), 'the reason is logged');
      assert.ok(!logs.includes(signed.split('.')[2]!), 'the signature never reaches the log');
      assert.ok(!logs.includes(signed.split('.')[1]!), 'nor the claims as sent');
    });
  });
});
