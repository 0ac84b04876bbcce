// The securityWebhook and anomalies settings: a secret required with a URL, https outside local development, neither
// echoed in a problem, and the network prefix lengths bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { problemsOf } from '../support/config-problems.js';

const production = { GATEHOUSE_ISSUER: 'https://id.example.com', GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'k'.repeat(40) };
const WEBHOOK_SECRET = 's'.repeat(40);
const withWebhook = (url: string, env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ env: { ...production, GATEHOUSE_SECURITY_WEBHOOK_URL: url, GATEHOUSE_SECURITY_WEBHOOK_SECRET: WEBHOOK_SECRET, ...env } });

describe('securityWebhook settings', () => {
  it('sends nothing by default, and reads the URL and the secret from the environment', () => {
    assert.equal(loadConfig({ env: production }).securityWebhook.url, undefined);
    const { securityWebhook } = withWebhook('https://siem.example/hooks/gatehouse');
    assert.deepEqual(securityWebhook, {
      url: 'https://siem.example/hooks/gatehouse',
      secret: WEBHOOK_SECRET,
      timeout: 3000,
      maxAttempts: 5,
      retryDelay: 1000,
      queueLimit: 1000,
    });
  });

  it('requires the secret when a URL is set, saying where to set it', () => {
    const problems = problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_SECURITY_WEBHOOK_URL: 'https://siem.example/hook' } }));
    assert.deepEqual(problems, [
      '`securityWebhook.secret`: required when securityWebhook.url is set: set GATEHOUSE_SECURITY_WEBHOOK_SECRET or `securityWebhook.secret` in gatehouse.config.json to at least 32 random characters',
    ]);
  });

  it('refuses http except to a loopback host while the issuer is http', () => {
    const refusal = ['`securityWebhook.url`: must be https (http only to a loopback host while the issuer is http) (from env GATEHOUSE_SECURITY_WEBHOOK_URL)'];
    assert.deepEqual(problemsOf(() => withWebhook('http://siem.example/hook')), refusal);
    assert.deepEqual(problemsOf(() => withWebhook('http://127.0.0.1:9000/hook')), refusal, 'an https issuer sends over https only');
    const local = withWebhook('http://127.0.0.1:9000/hook', { GATEHOUSE_ISSUER: 'http://localhost:4000' });
    assert.equal(local.securityWebhook.url, 'http://127.0.0.1:9000/hook');
  });

  it('refuses a URL with a user name or password', () => {
    assert.deepEqual(problemsOf(() => withWebhook('https://user:pass@siem.example/hook')), [
      '`securityWebhook.url`: must not carry a user name or password; authenticate the receiver by the signature (from env GATEHOUSE_SECURITY_WEBHOOK_URL)',
    ]);
  });

  it('never echoes the URL or the secret in a problem', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...production, GATEHOUSE_SECURITY_WEBHOOK_URL: 'ftp://hooks.example/T0KEN-in-path', GATEHOUSE_SECURITY_WEBHOOK_SECRET: 'short-S3CRET' } }),
    );
    assert.equal(problems.length, 2);
    assert.equal(problems.some((problem) => problem.includes('T0KEN') || problem.includes('S3CRET')), false, problems.join('\n'));
  });
});

describe('anomalies settings', () => {
  it('detects by default at IPv4 /24 and IPv6 /48, and refuses prefix lengths out of range', () => {
    assert.deepEqual(loadConfig({ env: production }).anomalies, { enabled: true, ipv4Prefix: 24, ipv6Prefix: 48 });
    const problems = problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_ANOMALIES_IPV4_PREFIX: '33', GATEHOUSE_ANOMALIES_IPV6_PREFIX: '8' } }));
    assert.deepEqual(problems.map((problem) => problem.split(':')[0]), ['`anomalies.ipv4Prefix`', '`anomalies.ipv6Prefix`']);
  });
});
