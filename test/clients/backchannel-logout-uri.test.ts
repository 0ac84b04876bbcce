// Back-Channel Logout §2.2 backchannel_logout_uri: https (or http on loopback), absolute, no fragment; null clears it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidClientMetadata } from '../../src/clients/errors.js';
import { validateClientMetadata } from '../../src/clients/metadata.js';

const minimal = { clientName: 'Billing', redirectUris: ['https://billing.example.com/cb'] } as const;

describe('backchannel_logout_uri', () => {
  it('is null unless given, and keeps an https URL, or http on a loopback host, with its query', () => {
    assert.equal(validateClientMetadata(minimal).backchannelLogoutUri, null);
    assert.equal(validateClientMetadata({ ...minimal, backchannelLogoutUri: null }).backchannelLogoutUri, null);
    for (const uri of ['https://billing.example.com/logout?tenant=7', 'https://billing.example.com:8443/bc', 'http://127.0.0.1:9000/bc', 'http://localhost/bc']) {
      assert.equal(validateClientMetadata({ ...minimal, backchannelLogoutUri: uri }).backchannelLogoutUri, uri);
    }
  });

  it('refuses a fragment, a relative or non-http URL, plain http off loopback, and userinfo', () => {
    const cases: Record<string, RegExp> = {
      'https://billing.example.com/bc#top': /fragment/,
      '/bc': /absolute URL/,
      'http://billing.example.com/bc': /must use https/,
      'com.example.app:/bc': /must be an https URL/,
      'javascript:alert(1)': /not allowed/,
      'https://user@billing.example.com/bc': /userinfo/,
      '': /must not be empty/,
    };
    for (const [uri, reason] of Object.entries(cases)) {
      assert.throws(
        () => validateClientMetadata({ ...minimal, backchannelLogoutUri: uri }),
        (error: unknown) => error instanceof InvalidClientMetadata && error.field === 'backchannel_logout_uri' && reason.test(error.message) && !/redirect URI/.test(error.message),
        uri,
      );
    }
  });
});
