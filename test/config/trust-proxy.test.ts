// The trustProxy setting as an operator writes it: false, a hop count, or addresses and CIDR ranges; `true` refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const production = { GATEHOUSE_ISSUER: 'https://id.example.com', GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'k'.repeat(40) };
const trustProxyFrom = (value: string) => loadConfig({ env: { ...production, GATEHOUSE_TRUST_PROXY: value } }).trustProxy;

function problemsFor(value: string): readonly string[] {
  try {
    trustProxyFrom(value);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail(`${value} was accepted`);
}

describe('trustProxy', () => {
  it('defaults to false and reads false, a hop count, a JSON array or a comma-separated list from the environment', () => {
    assert.equal(loadConfig({ env: production }).trustProxy, false);
    assert.equal(trustProxyFrom('false'), false);
    assert.equal(trustProxyFrom('2'), 2);
    assert.deepEqual(trustProxyFrom('["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]'), ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    assert.deepEqual(trustProxyFrom(' 10.0.0.0/8 ,::1 '), ['10.0.0.0/8', '::1']);
  });

  it('refuses true, saying why and what to set instead', () => {
    const [problem, ...rest] = problemsFor('true');
    assert.deepEqual(rest, []);
    assert.match(problem!, /^`trustProxy`: true is refused: it would trust X-Forwarded-For from any caller, who could then choose its own IP; set the number of proxies .* \(from env GATEHOUSE_TRUST_PROXY\)$/);
  });

  it('names each malformed address or CIDR range, a /0 range included', () => {
    const problems = problemsFor('["10.0.0.0/33", "10.0.0.1", "fe80::/129", "0.0.0.0/0", "10.0.0/8", "10.0.0.0/8/1", "10.0.0.0/x"]');
    assert.deepEqual(
      problems.map((problem) => /^`trustProxy`: "([^"]+)" is not an IP address or CIDR range/.exec(problem)?.[1]),
      ['10.0.0.0/33', 'fe80::/129', '0.0.0.0/0', '10.0.0/8', '10.0.0.0/8/1', '10.0.0.0/x'],
    );
  });

  it('refuses other shapes with the expected form', () => {
    for (const value of ['0', '17', '1.5', '[]', '{"a":1}']) {
      const [problem] = problemsFor(value);
      assert.match(problem!, /^`trustProxy`: expected false, a count of proxies 1-16, or a JSON array of proxy IP addresses and CIDR ranges/, value);
    }
    assert.match(problemsFor('yes')[0]!, /"yes" is not an IP address or CIDR range/);
  });
});
