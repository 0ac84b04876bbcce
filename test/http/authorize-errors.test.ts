// Authorization endpoint, errors after the redirect target is known: each goes back with error, state and iss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowserLike } from '../support/browser-like.js';
import { forEachEngine } from '../support/database.js';
import { useTestServer } from '../support/server.js';
import {
  assertErrorPage,
  assertErrorRedirect,
  authorizationParameters,
  authorizeUrl,
  hiddenFields,
  registerClient,
  type RequestOverrides,
} from '../support/authorization.js';

const ERRORS: ReadonlyArray<readonly [string, RequestOverrides, string]> = [
  ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
  ['response_type=id_token', { response_type: 'id_token' }, 'unsupported_response_type'],
  ['response_type=id_token token', { response_type: 'id_token token' }, 'unsupported_response_type'],
  ['response_type=code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'],
  ['no response_type', { response_type: undefined }, 'invalid_request'],
  ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
  ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
  ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
  ['a short code_challenge', { code_challenge: 'abc' }, 'invalid_request'],
  ['a code_challenge outside base64url', { code_challenge: `${'a'.repeat(42)}=` }, 'invalid_request'],
  ['an unknown scope', { scope: 'openid admin' }, 'invalid_scope'],
  ['a scope the client may not use', { scope: 'openid email' }, 'invalid_scope'],
  ['no scope', { scope: undefined }, 'invalid_scope'],
  ['prompt=none with another value', { prompt: 'none login' }, 'invalid_request'],
  ['prompt=select_account', { prompt: 'select_account' }, 'invalid_request'],
  ['a negative max_age', { max_age: '-1' }, 'invalid_request'],
  ['a fractional max_age', { max_age: '1.5' }, 'invalid_request'],
  ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
  ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
  ['a request_uri', { request_uri: 'https://client.example/request.jwt' }, 'request_uri_not_supported'],
  ['an oversized nonce', { nonce: 'n'.repeat(5 * 1024) }, 'invalid_request'],
  ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
];

forEachEngine((engine) => {
  describe('authorization endpoint: redirected errors', () => {
    const suite = useTestServer(engine);
    const browser = () => new BrowserLike(suite.server.url);
    const client = () => registerClient(suite.database.store, { scope: 'openid profile' });

    for (const [variant, overrides, error] of ERRORS) {
      it(`answers ${variant} with ${error} to the redirect URI`, async () => {
        assertErrorRedirect(await browser().get(authorizeUrl(await client(), overrides)), error, suite.server.config.issuer);
      });
    }

    it('answers a repeated parameter with invalid_request, state still echoed', async () => {
      const parameters = authorizationParameters(await client());
      parameters.append('scope', 'openid');
      assertErrorRedirect(await browser().get(`/authorize?${parameters.toString()}`), 'invalid_request', suite.server.config.issuer);
    });

    it('omits state from an error when the request had none', async () => {
      const response = await browser().get(authorizeUrl(await client(), { state: undefined, response_type: 'token' }));
      assertErrorRedirect(response, 'unsupported_response_type', suite.server.config.issuer, { state: null });
    });

    it('sends errors of a form_post request as an auto-submitting form', async () => {
      const response = await browser().get(authorizeUrl(await client(), { response_mode: 'form_post', response_type: 'token' }));
      assert.equal(response.status, 200);
      const fields = hiddenFields(await response.text());
      assert.equal(fields.error, 'unsupported_response_type');
      assert.equal(fields.iss, suite.server.config.issuer);
    });

    it('validates a POSTed form body exactly like a query string', async () => {
      const registered = await client();
      const response = await browser().postForm('/authorize', Object.fromEntries(authorizationParameters(registered, { response_type: 'token' })));
      assertErrorRedirect(response, 'unsupported_response_type', suite.server.config.issuer);
      const login = await browser().postForm('/authorize', Object.fromEntries(authorizationParameters(registered)));
      assert.equal(login.status, 303);
      assert.match(login.headers.get('location') ?? '', /\/login\?interaction=/);
    });

    it('refuses a JSON body with an error page', async () => {
      const body = JSON.stringify(Object.fromEntries(authorizationParameters(await client())));
      const response = await browser().fetch('/authorize', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await assertErrorPage(response, 415);
    });

    it('advertises exactly what the endpoint supports in discovery', async () => {
      const document = (await (await browser().get('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
      assert.equal(document.authorization_endpoint, `${suite.server.config.issuer}/authorize`);
      assert.deepEqual(document.response_types_supported, ['code']);
      assert.deepEqual(document.response_modes_supported, ['query', 'form_post']);
      assert.deepEqual(document.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(document.scopes_supported, Object.keys(suite.server.config.scopes));
      assert.deepEqual(document.prompt_values_supported, ['none', 'login', 'consent']);
      assert.equal(document.authorization_response_iss_parameter_supported, true);
      assert.equal(document.request_parameter_supported, false);
      assert.equal(document.request_uri_parameter_supported, false);
    });
  });
});
