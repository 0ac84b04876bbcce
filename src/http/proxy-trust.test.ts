import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileProxyTrust } from './proxy-trust.js';

describe('compileProxyTrust', () => {
  it('trusts no one for false, and the n nearest hops for a count', () => {
    assert.equal(compileProxyTrust(false)('127.0.0.1', 0), false);
    const twoHops = compileProxyTrust(2);
    assert.deepEqual([0, 1, 2].map((hop) => twoHops('198.51.100.1', hop)), [true, true, false]);
  });

  it('trusts addresses inside the listed ranges, IPv4-mapped peers included, and nothing that is not an IP', () => {
    const trust = compileProxyTrust(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    for (const address of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8:ffff::1', '192.0.2.7']) assert.equal(trust(address, 0), true, address);
    for (const address of ['11.0.0.1', '192.0.2.8', '2001:db9::1', 'unknown', '', undefined]) assert.equal(trust(address, 0), false, String(address));
  });
});
