// Client metadata policy: defaults, client authentication, grant types, scope and redirect URI refusals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidClientMetadata } from '../../src/clients/errors.js';
import { checkClientMetadata, validateClientMetadata, type ClientMetadataInput } from '../../src/clients/metadata.js';

const minimal = { clientName: 'Billing', redirectUris: ['https://billing.example.com/cb'] } as const;

function refusal(input: ClientMetadataInput): InvalidClientMetadata {
  try {
    validateClientMetadata(input);
  } catch (error) {
    assert.ok(error instanceof InvalidClientMetadata, `expected InvalidClientMetadata, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${JSON.stringify(input)} to be refused`);
}

describe('validateClientMetadata', () => {
  it('fills the documented defaults for a confidential client', () => {
    assert.deepEqual(validateClientMetadata(minimal), {
      clientName: 'Billing',
      clientType: 'confidential',
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: ['https://billing.example.com/cb'],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code'],
      scope: 'openid profile email',
      firstParty: false,
      idTokenSignedResponseAlg: 'RS256',
      jwks: null,
      jwksUri: null,
      backchannelLogoutUri: null,
      requirePushedAuthorizationRequests: false,
      dpopBoundAccessTokens: false,
    });
  });

  it('takes id_token_signed_response_alg ES256 or EdDSA, and refuses none and algorithms it cannot sign', () => {
    assert.equal(validateClientMetadata({ ...minimal, idTokenSignedResponseAlg: 'ES256' }).idTokenSignedResponseAlg, 'ES256');
    assert.equal(validateClientMetadata({ ...minimal, idTokenSignedResponseAlg: 'EdDSA' }).idTokenSignedResponseAlg, 'EdDSA');
    const unsigned = refusal({ ...minimal, idTokenSignedResponseAlg: 'none' });
    assert.equal(unsigned.field, 'id_token_signed_response_alg');
    assert.match(unsigned.message, /unsigned ID tokens \("none"\) are not offered/);
    for (const alg of ['HS256', 'PS256', 'rs256', '']) {
      const error = refusal({ ...minimal, idTokenSignedResponseAlg: alg });
      assert.equal(error.message, `id_token_signed_response_alg: expected one of RS256, ES256, EdDSA, got "${alg}"`);
    }
  });

  it('adds offline_access to the default scope when refresh_token is granted, and keeps an explicit scope as given', () => {
    const withRefresh = validateClientMetadata({ ...minimal, grantTypes: ['refresh_token', 'authorization_code'] });
    assert.deepEqual(withRefresh.grantTypes, ['authorization_code', 'refresh_token']);
    assert.equal(withRefresh.scope, 'openid profile email offline_access');
    const explicit = validateClientMetadata({ ...minimal, grantTypes: ['authorization_code', 'refresh_token'], scope: ' openid  api:read openid ' });
    assert.equal(explicit.scope, 'openid api:read');
  });

  it('makes a client that uses "none" public, and refuses secrets for public clients', () => {
    assert.equal(validateClientMetadata({ ...minimal, tokenEndpointAuthMethod: 'none' }).clientType, 'public');
    assert.equal(validateClientMetadata({ ...minimal, clientType: 'public' }).tokenEndpointAuthMethod, 'none');
    const publicWithSecret = refusal({ ...minimal, clientType: 'public', tokenEndpointAuthMethod: 'client_secret_post' });
    assert.equal(publicWithSecret.field, 'token_endpoint_auth_method');
    assert.match(publicWithSecret.message, /public client must use "none"/);
  });

  it('lets a confidential client choose client_secret_post but not none or an unsupported method', () => {
    assert.equal(validateClientMetadata({ ...minimal, tokenEndpointAuthMethod: 'client_secret_post' }).tokenEndpointAuthMethod, 'client_secret_post');
    for (const method of ['none', 'tls_client_auth']) {
      const error = refusal({ ...minimal, clientType: 'confidential', tokenEndpointAuthMethod: method });
      assert.match(error.message, /^token_endpoint_auth_method: a confidential client must use client_secret_basic, client_secret_post or private_key_jwt/);
    }
    assert.equal(refusal({ ...minimal, clientType: 'service' }).field, 'client_type');
  });

  it('refuses removed and unsupported grant types with a specific reason', () => {
    assert.match(refusal({ ...minimal, grantTypes: ['authorization_code', 'implicit'] }).message, /implicit grant is not supported: it was removed in OAuth 2.1/);
    assert.match(refusal({ ...minimal, grantTypes: ['password'] }).message, /password grant is not supported/);
    assert.match(refusal({ ...minimal, clientType: 'public', grantTypes: ['client_credentials'] }).message, /client_credentials requires a confidential client/);
    assert.match(refusal({ ...minimal, grantTypes: ['client_credentials'] }).message, /^redirect_uris: only a client registered for authorization_code/);
    assert.deepEqual(validateClientMetadata({ clientName: 'Nightly job', grantTypes: ['client_credentials'] }).redirectUris, []);
    assert.match(refusal({ ...minimal, grantTypes: ['device_code'] }).message, /unknown grant type "device_code"/);
    assert.match(refusal({ ...minimal, grantTypes: ['refresh_token'] }).message, /refresh_token requires authorization_code/);
    assert.match(refusal({ ...minimal, grantTypes: [] }).message, /at least one grant type/);
  });

  it('registers a public device client (RFC 8628) without redirect URIs, with refresh tokens from device codes', () => {
    const device = 'urn:ietf:params:oauth:grant-type:device_code';
    const metadata = validateClientMetadata({ clientName: 'TV', clientType: 'public', grantTypes: [device, 'refresh_token'] });
    assert.deepEqual(metadata.redirectUris, []);
    assert.deepEqual(metadata.grantTypes, ['refresh_token', device]);
    assert.equal(metadata.tokenEndpointAuthMethod, 'none');
    assert.match(refusal({ ...minimal, clientType: 'public', grantTypes: [device] }).message, /^redirect_uris: only a client registered for authorization_code/);
  });

  it('refuses scope values that are not RFC 6749 scope tokens', () => {
    for (const scope of ['', '   ', 'openid "quoted"', 'openid back\\slash', 'openid\tprofile', 'caf\u00e9']) {
      const error = refusal({ ...minimal, scope });
      assert.equal(error.field, 'scope', JSON.stringify(scope));
    }
  });

  it('requires a name and at least one valid redirect URI, naming the field and the reason', () => {
    assert.match(refusal({ ...minimal, clientName: '  ' }).message, /^client_name: a client name is required$/);
    assert.match(refusal({ ...minimal, clientName: 'a\u0007b' }).message, /control characters/);
    assert.match(refusal({ ...minimal, clientName: 'x'.repeat(201) }).message, /at most 200/);
    assert.match(refusal({ clientName: 'Billing' }).message, /^redirect_uris: at least one redirect URI is required$/);
    const fragment = refusal({ ...minimal, redirectUris: ['https://billing.example.com/cb#x'] });
    assert.equal(fragment.code, 'invalid_redirect_uri');
    assert.equal(fragment.message, 'redirect_uris: redirect URI must not contain a fragment (got "https://billing.example.com/cb#x")');
    const logout = refusal({ ...minimal, postLogoutRedirectUris: ['javascript:alert(1)'] });
    assert.equal(logout.field, 'post_logout_redirect_uris');
  });

  it('drops repeated redirect URIs and trims the name', () => {
    const metadata = validateClientMetadata({ clientName: ' Billing ', redirectUris: ['https://a.example/cb', 'https://a.example/cb'], firstParty: true });
    assert.deepEqual(metadata.redirectUris, ['https://a.example/cb']);
    assert.equal(metadata.clientName, 'Billing');
    assert.equal(metadata.firstParty, true);
  });

  it('lists every broken rule, list items by index, and names them all in the one-line error', () => {
    const input = {
      clientName: '',
      redirectUris: ['https://ok.example/cb', 'http://app.example/cb', 'https://app.example/cb#top'],
      grantTypes: ['authorization_code', 'password'],
      scope: 'openid bad"scope',
    };
    const check = checkClientMetadata(input);
    assert.equal(check.ok, false);
    assert.deepEqual(!check.ok && check.problems.map((problem) => [problem.field, problem.index]), [
      ['client_name', undefined],
      ['grant_types', 1],
      ['redirect_uris', 1],
      ['redirect_uris', 2],
      ['scope', undefined],
    ]);
    const error = refusal(input);
    assert.equal(error.field, 'client_name');
    assert.equal(error.problems.length, 5);
    assert.match(error.message, /^client_name: a client name is required; grant_types: the password grant .*; redirect_uris: .*fragment.*; scope: /);
  });

  it('does not pile problems on an unknown method or grant type: the keys and redirect URIs it would decide are not judged', () => {
    const check = checkClientMetadata({ ...minimal, tokenEndpointAuthMethod: 'private_key_jw', jwksUri: 'https://keys.example/jwks', grantTypes: ['client_credential'] });
    assert.deepEqual(!check.ok && check.problems.map((problem) => problem.field), ['token_endpoint_auth_method', 'grant_types']);
  });
});
