// One reading of IP addresses and networks: canonical text, IPv4-mapped IPv6 as IPv4, zone ids dropped, junk refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInNetwork, networkAt, networkOf, parseIp } from './ip-network.js';

const PREFIXES = { ipv4Prefix: 24, ipv6Prefix: 48 };

describe('parseIp', () => {
  it('writes addresses canonically, reads IPv4-mapped IPv6 (in any spelling) as IPv4 and drops zone ids', () => {
    assert.deepEqual(parseIp('203.0.113.7'), { family: 'ipv4', address: '203.0.113.7' });
    assert.deepEqual(parseIp('2001:0DB8:0:0::0001'), { family: 'ipv6', address: '2001:db8::1' });
    for (const mapped of ['::ffff:203.0.113.7', '::FFFF:203.0.113.7', '0:0:0:0:0:ffff:cb00:7107', '::ffff:203.0.113.7%eth0']) {
      assert.deepEqual(parseIp(mapped), { family: 'ipv4', address: '203.0.113.7' }, mapped);
    }
    assert.deepEqual(parseIp('fe80::1%eth0'), { family: 'ipv6', address: 'fe80::1' });
    assert.deepEqual(parseIp('::1.2.3.4'), { family: 'ipv6', address: '::1.2.3.4' }, 'IPv4-compatible is not IPv4-mapped');
  });

  it('refuses what is not an address', () => {
    for (const junk of ['', 'not an ip', '203.0.113', '203.0.113.256', '2001:db8::1::2', 'fe80::1%', '203.0.113.0/24', ' 203.0.113.7']) {
      assert.equal(parseIp(junk), undefined, JSON.stringify(junk));
    }
  });
});

describe('networkOf and networkAt', () => {
  it('cuts each family at its own prefix length', () => {
    assert.equal(networkOf('203.0.113.77', PREFIXES), '203.0.113.0/24');
    assert.equal(networkOf('::ffff:203.0.113.77', PREFIXES), '203.0.113.0/24');
    assert.equal(networkOf('2001:db8:abcd:12::1', PREFIXES), '2001:db8:abcd::/48');
    assert.equal(networkOf('2001:db8:abcd:12::1', { ipv4Prefix: 24, ipv6Prefix: 52 }), '2001:db8:abcd::/52');
    assert.equal(networkOf('2001:db8:abcd:1234::1', { ipv4Prefix: 24, ipv6Prefix: 56 }), '2001:db8:abcd:1200::/56');
    assert.equal(networkOf('198.51.100.200', { ipv4Prefix: 20, ipv6Prefix: 48 }), '198.51.96.0/20');
    assert.equal(networkOf('fe80::1:2%eth0', { ipv4Prefix: 24, ipv6Prefix: 64 }), 'fe80::/64');
    assert.equal(networkOf('::1.2.3.4', { ipv4Prefix: 24, ipv6Prefix: 120 }), '::1.2.3.0/120');
    assert.equal(networkOf('not an ip', PREFIXES), undefined);
    assert.equal(networkAt({ family: 'ipv4', address: '203.0.113.7' }, 32), '203.0.113.7/32');
  });
});

describe('isInNetwork', () => {
  it('holds an address at the network\'s own prefix length, whatever spelling either is in', () => {
    assert.equal(isInNetwork('203.0.113.200', '203.0.113.0/24'), true);
    assert.equal(isInNetwork('::ffff:203.0.113.200', '203.0.113.0/24'), true, 'a mapped address is its IPv4 address');
    assert.equal(isInNetwork('203.0.114.1', '203.0.113.0/24'), false);
    assert.equal(isInNetwork('203.0.114.1', '203.0.112.0/22'), true, 'a network recorded at /22 keeps its /22');
    assert.equal(isInNetwork('2001:db8:abcd:ffff::9', '2001:db8:abcd::/48'), true);
    assert.equal(isInNetwork('2001:db8:abcd:ffff::9', '2001:db8:abcd:0:0:0:0:0/48'), true, 'networks recorded spelt out still match');
    assert.equal(isInNetwork('2001:db8:abce::9', '2001:db8:abcd::/48'), false);
    assert.equal(isInNetwork('fe80::1%eth0', 'fe80::/64'), true);
  });

  it('holds nothing across families or in a malformed network', () => {
    assert.equal(isInNetwork('203.0.113.1', '2001:db8:abcd::/48'), false);
    assert.equal(isInNetwork('2001:db8::1', '203.0.113.0/24'), false);
    for (const network of ['garbage', '203.0.113.0', '203.0.113.0/', '203.0.113.0/33', '203.0.113.0/24/1', '203.0.113.0/-1', '203.0.113.0/2e1', '2001:db8::/129']) {
      assert.equal(isInNetwork('203.0.113.1', network), false, network);
    }
    assert.equal(isInNetwork('not an ip', '203.0.113.0/24'), false);
  });
});
