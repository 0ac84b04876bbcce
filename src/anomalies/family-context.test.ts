// Networks at the configured prefix lengths, User-Agents without versions, and how a family's context moves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contextOf, moveContext } from './family-context.js';
import { isInNetwork, networkOf } from './network.js';
import { userAgentWithoutVersions } from './user-agent.js';

const PREFIXES = { ipv4Prefix: 24, ipv6Prefix: 48 };
const CHROME_120 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36';
const CHROME_131 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';

describe('networkOf and isInNetwork', () => {
  it('cuts IPv4 at /24 and IPv6 at /48 by default, reading IPv4-mapped IPv6 addresses as IPv4', () => {
    assert.equal(networkOf('203.0.113.77', PREFIXES), '203.0.113.0/24');
    assert.equal(networkOf('::ffff:203.0.113.77', PREFIXES), '203.0.113.0/24');
    assert.equal(networkOf('2001:db8:abcd:12::1', PREFIXES), '2001:db8:abcd:0:0:0:0:0/48');
    assert.equal(networkOf('2001:db8:abcd:12::1', { ipv4Prefix: 24, ipv6Prefix: 52 }), '2001:db8:abcd:0:0:0:0:0/52');
    assert.equal(networkOf('2001:db8:abcd:1200::1', { ipv4Prefix: 24, ipv6Prefix: 56 }), '2001:db8:abcd:1200:0:0:0:0/56');
    assert.equal(networkOf('198.51.100.200', { ipv4Prefix: 20, ipv6Prefix: 48 }), '198.51.96.0/20');
    assert.equal(networkOf('not an ip', PREFIXES), undefined);
  });

  it('holds an address in a network at the network\'s own prefix length, whatever the prefixes are now', () => {
    assert.equal(isInNetwork('203.0.113.200', '203.0.113.0/24'), true);
    assert.equal(isInNetwork('203.0.114.1', '203.0.113.0/24'), false);
    assert.equal(isInNetwork('203.0.114.1', '203.0.112.0/22'), true, 'a network recorded at /22 keeps its /22');
    assert.equal(isInNetwork('2001:db8:abcd:ffff::9', '2001:db8:abcd:0:0:0:0:0/48'), true);
    assert.equal(isInNetwork('2001:db8:abce::9', '2001:db8:abcd:0:0:0:0:0/48'), false);
    assert.equal(isInNetwork('203.0.113.1', '2001:db8:abcd:0:0:0:0:0/48'), false, 'another IP version');
    assert.equal(isInNetwork('203.0.113.1', 'garbage'), false);
  });
});

describe('userAgentWithoutVersions', () => {
  it('keeps the browser and platform and drops every version, so an update is the same User-Agent', () => {
    assert.equal(userAgentWithoutVersions(CHROME_120), 'Mozilla (Windows NT ; Win; x) AppleWebKit (KHTML, like Gecko) Chrome Safari');
    assert.equal(userAgentWithoutVersions(CHROME_131), userAgentWithoutVersions(CHROME_120));
    assert.notEqual(userAgentWithoutVersions(FIREFOX), userAgentWithoutVersions(CHROME_120));
    assert.equal(userAgentWithoutVersions('okhttp/4.12.0'), userAgentWithoutVersions('okhttp/5.0.1'));
    assert.equal(userAgentWithoutVersions(null), '');
  });
});

describe('moveContext', () => {
  const remembered = contextOf({ ip: '203.0.113.5', userAgent: CHROME_120 }, PREFIXES);

  it('stays put for the same network and browser after an update', () => {
    assert.deepEqual(moveContext(remembered, { ip: '203.0.113.250', userAgent: CHROME_131 }, PREFIXES), {});
  });

  it('moves to a new network, a new User-Agent or both, naming what changed', () => {
    const elsewhere = { ip: '198.51.100.5', userAgent: CHROME_120 };
    assert.deepEqual(moveContext(remembered, elsewhere, PREFIXES), { context: contextOf(elsewhere, PREFIXES), change: 'network' });
    assert.equal(moveContext(remembered, { ip: '203.0.113.9', userAgent: FIREFOX }, PREFIXES).change, 'user_agent');
    assert.equal(moveContext(remembered, { ip: '198.51.100.5', userAgent: null }, PREFIXES).change, 'both');
  });

  it('takes the request\'s context without a change when the family has none yet', () => {
    const origin = { ip: '203.0.113.5', userAgent: FIREFOX };
    assert.deepEqual(moveContext(null, origin, PREFIXES), { context: contextOf(origin, PREFIXES) });
  });

  it('matches an unknown IP only to an unknown network', () => {
    const unknown = contextOf({ ip: null, userAgent: CHROME_120 }, PREFIXES);
    assert.equal(unknown.network, null);
    assert.deepEqual(moveContext(unknown, { ip: null, userAgent: CHROME_120 }, PREFIXES), {});
    assert.equal(moveContext(unknown, { ip: '203.0.113.5', userAgent: CHROME_120 }, PREFIXES).change, 'network');
    assert.equal(moveContext(remembered, { ip: null, userAgent: CHROME_120 }, PREFIXES).change, 'network');
  });
});
