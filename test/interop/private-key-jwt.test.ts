// openid-client v6 and oauth4webapi v3, with their own PrivateKeyJwt helpers and default settings otherwise, complete
// the authorization code flow and a refresh against a running Gatehouse, with keys registered inline or at a jwks_uri.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { hiddenFields } from '../support/authorization.js';
import { createKeyClient, generateClientKey, startJwksServer, type ClientKey, type JwksServer } from '../support/client-assertions.js';
import { forEachEngine } from '../support/database.js';
import { createUser, REDIRECT_URI } from '../support/flow-fixtures.js';
import { PASSWORD } from '../support/login.js';
import { useTestServer } from '../support/server.js';
import { oauth4webapiLibrary, openidClientLibrary, type RelyingPartyClient, type RelyingPartyLibrary } from './libraries.js';

const SCOPE = 'openid profile email offline_access';

forEachEngine((engine) => {
  describe(`private_key_jwt with the client libraries (${engine.name})`, () => {
    const suite = useTestServer(engine);
    let jwks: JwksServer;
    let uriKey: ClientKey;
    before(async () => {
      uriKey = await generateClientKey('ES256');
      jwks = await startJwksServer([uriKey]);
    });
    after(() => jwks.close());

    /** Sends a browser through the library's authorization URL and the login form; returns the callback URL it reaches. */
    async function authorize(library: RelyingPartyLibrary, username: string): Promise<URL> {
      const browser = new BrowserLike(suite.server.url);
      const loginPage = await browser.follow(await browser.get((await library.authorizationUrl()).href));
      assert.equal(loginPage.status, 200);
      const fields = hiddenFields(await loginPage.text());
      const loggedIn = await browser.postForm('/login', { interaction: fields.interaction!, csrf_token: fields.csrf_token!, username, password: PASSWORD });
      const toClient = await browser.follow(loggedIn);
      const location = toClient.headers.get('location') ?? '';
      assert.ok(location.startsWith(`${REDIRECT_URI}?`), `redirected to the client, got ${toClient.status} ${location}`);
      return new URL(location);
    }

    const libraries = { 'openid-client': openidClientLibrary, oauth4webapi: oauth4webapiLibrary };
    for (const [name, makeLibrary] of Object.entries(libraries)) {
      for (const registered of ['jwks', 'jwks_uri'] as const) {
        it(`${name} signs in, redeems the code and refreshes with PrivateKeyJwt (keys as ${registered})`, async () => {
          const key = registered === 'jwks' ? await generateClientKey('ES256') : uriKey;
          const keys = registered === 'jwks' ? { jwks: [key] } : { jwksUri: jwks.url };
          const { client } = await createKeyClient(suite.server, keys, { firstParty: true, scope: SCOPE });
          const user = await createUser(suite.server);
          const rp: RelyingPartyClient = {
            issuer: suite.server.config.issuer,
            clientId: client.clientId,
            clientSecret: '',
            redirectUri: REDIRECT_URI,
            scope: SCOPE,
            privateKey: { key: key.privateKey, kid: key.kid },
          };
          const library = await makeLibrary(rp);
          const result = await library.complete(await authorize(library, user.username));
          assert.equal(result.idTokenClaims.sub, user.userId);
          assert.equal(result.refreshedIdTokenSub, user.userId);
          assert.notEqual(result.refreshedRefreshToken, result.refreshToken, 'the refresh token was rotated');
        });
      }
    }
  });
});
