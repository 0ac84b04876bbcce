import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { problemsOf } from '../support/config-problems.js';

const SECRET = 'k'.repeat(40);
const production = { GATEHOUSE_ISSUER: 'https://id.example.com', GATEHOUSE_KEYS_ENCRYPTION_SECRET: SECRET };

describe('loadConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const writeConfig = (name: string, content: string): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('fills defaults and derives the dev issuer from the port', () => {
    const config = loadConfig({ env: { GATEHOUSE_PORT: '4100' }, flags: { dev: true } });
    assert.equal(config.issuer, 'http://localhost:4100');
    assert.equal(config.seedDemo, true);
    assert.equal(config.tokens.authorizationCodeTtl, 60);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.tokens));
  });

  it('layers defaults <- file <- env <- flags', () => {
    const file = writeConfig('layers.json', JSON.stringify({ port: 5000, host: '0.0.0.0', tokens: { accessTokenTtl: 120 } }));
    const config = loadConfig({ configPath: file, env: { ...production, GATEHOUSE_PORT: '6000' } });
    assert.equal(config.port, 6000);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.tokens.accessTokenTtl, 120);
    assert.equal(config.dev, false);
    assert.equal(config.seedDemo, false);
  });

  it('finds the file through GATEHOUSE_CONFIG and reads the documented env names', () => {
    const file = writeConfig('env.json', JSON.stringify({ dataDir: '/tmp/from-file' }));
    const config = loadConfig({
      env: { ...production, GATEHOUSE_CONFIG: file, GATEHOUSE_HOST: '::1', GATEHOUSE_DATABASE_URL: 'postgres://u@db:5432/g' },
    });
    assert.equal(config.dataDir, '/tmp/from-file');
    assert.equal(config.host, '::1');
    assert.equal(config.databaseUrl, 'postgres://u@db:5432/g');
  });

  it('lists every problem with field, expected form, value and source', () => {
    const file = writeConfig('bad.json', JSON.stringify({ port: 'eighty', tokens: { authorizationCodeTtl: 3600 }, colour: 'blue' }));
    const problems = problemsOf(() =>
      loadConfig({ configPath: file, env: { ...production, GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL: 'ten' } }),
    );
    assert.ok(problems.includes(`\`port\`: expected a TCP port 0-65535, got "eighty" (from file ${file})`), problems.join('\n'));
    assert.ok(problems.includes(`\`tokens.authorizationCodeTtl\`: expected seconds 10-600, got 3600 (from file ${file})`));
    assert.ok(problems.includes('`tokens.accessTokenTtl`: expected seconds 60-3600, got "ten" (from env GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL)'));
    assert.ok(problems.includes(`\`colour\`: unknown setting (from file ${file})`));
  });

  it('refuses unknown keys inside a group', () => {
    const file = writeConfig('nested.json', JSON.stringify({ tokens: { acessTokenTtl: 60 } }));
    assert.deepEqual(problemsOf(() => loadConfig({ configPath: file, env: production })), [
      `\`tokens.acessTokenTtl\`: unknown setting (from file ${file})`,
    ]);
  });

  it('reports malformed JSON, a non-object file and a missing explicit file', () => {
    const broken = writeConfig('broken.json', '{ "port": 1,');
    assert.match(problemsOf(() => loadConfig({ configPath: broken, env: production }))[0]!, /^config file .*broken\.json: .*JSON/);
    const list = writeConfig('list.json', '[1]');
    assert.match(problemsOf(() => loadConfig({ configPath: list, env: production }))[0]!, /expected a JSON object at the top level/);
    assert.deepEqual(problemsOf(() => loadConfig({ configPath: join(dir, 'nope.json'), env: production })), [
      `config file ${join(dir, 'nope.json')}: not found`,
    ]);
  });

  it('refuses insecure settings in production, each by name', () => {
    const problems = problemsOf(() => loadConfig({ env: { GATEHOUSE_ISSUER: 'http://id.example.com', GATEHOUSE_SEED_DEMO: 'true' } }));
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /^`issuer`: http is refused for a non-loopback issuer in production.*\(from env GATEHOUSE_ISSUER\)$/);
    assert.match(problems[1]!, /^`keys.encryptionSecret`: required in production/);
    assert.match(problems[2]!, /^`seedDemo`: the demo user and client are refused in production \(from env GATEHOUSE_SEED_DEMO\)$/);
    assert.match(problemsOf(() => loadConfig({ env: {} }))[0]!, /^`issuer`: required outside dev mode/);
  });

  it('allows an http loopback issuer in production and any issuer shape checks in dev', () => {
    assert.equal(loadConfig({ env: { ...production, GATEHOUSE_ISSUER: 'http://127.0.0.1:4000' } }).issuer, 'http://127.0.0.1:4000');
    assert.match(problemsOf(() => loadConfig({ env: { GATEHOUSE_ISSUER: 'http://localhost:4000/?x=1' }, flags: { dev: true } }))[0]!, /without query or fragment/);
  });

  it('never echoes a secret or a database password', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { ...production, GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'short-secret-value', GATEHOUSE_DATABASE_URL: 'mysql://root:hunter2@db/x' } }),
    );
    const text = problems.join('\n');
    assert.ok(!text.includes('short-secret-value') && !text.includes('hunter2'), text);
    assert.match(text, /`keys.encryptionSecret`: expected a secret of at least 32 characters, got a value of 18 characters/);
    assert.match(text, /`databaseUrl`: expected .*, got "mysql:\/\/root:\*\*\*@db\/x"/);
  });

  it('parses booleans and JSON values from the environment and rejects bad ones', () => {
    const config = loadConfig({ env: { ...production, GATEHOUSE_DEV: 'yes', GATEHOUSE_SCOPES: '{"read:docs":"Read your documents"}' } });
    assert.equal(config.dev, true);
    assert.deepEqual(config.scopes, { 'read:docs': 'Read your documents' });
    const problems = problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_SCOPES: '{nope', GATEHOUSE_DEV: 'maybe' } }));
    assert.ok(problems.some((p) => p.startsWith('`scopes`: expected a JSON object of scope name to plain-words description') && p.endsWith('(from env GATEHOUSE_SCOPES)')));
    assert.ok(problems.some((p) => p === '`dev`: expected true or false, got "maybe" (from env GATEHOUSE_DEV)'));
  });

  it('keeps RS256 and ES256 signing keys by default and signs access tokens with ES256', () => {
    const config = loadConfig({ env: production });
    assert.deepEqual(config.keys.algorithms, ['RS256', 'ES256']);
    assert.equal(config.keys.accessTokenAlgorithm, 'ES256');
    const eddsa = loadConfig({ env: { ...production, GATEHOUSE_KEYS_ALGORITHMS: '["EdDSA","RS256"]', GATEHOUSE_KEYS_ACCESS_TOKEN_ALGORITHM: 'EdDSA' } });
    assert.deepEqual([eddsa.keys.algorithms, eddsa.keys.accessTokenAlgorithm], [['EdDSA', 'RS256'], 'EdDSA']);
  });

  it('refuses key algorithms without RS256, listed twice or unknown, in dev mode too, naming the source', () => {
    const withoutRs256 = problemsOf(() => loadConfig({ env: { GATEHOUSE_KEYS_ALGORITHMS: '["ES256"]' }, flags: { dev: true } }));
    assert.deepEqual(withoutRs256, [
      '`keys.algorithms`: must include RS256, which OpenID Connect requires for ID tokens, got ["ES256"] (from env GATEHOUSE_KEYS_ALGORITHMS)',
    ]);
    const file = writeConfig('twice.json', JSON.stringify({ keys: { algorithms: ['RS256', 'ES256', 'RS256'] } }));
    assert.deepEqual(problemsOf(() => loadConfig({ configPath: file, env: production })), [
      `\`keys.algorithms\`: lists RS256 more than once, got ["RS256","ES256","RS256"] (from file ${file})`,
    ]);
    assert.deepEqual(problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_KEYS_ALGORITHMS: '["RS256","HS256"]' } })), [
      '`keys.algorithms.1`: expected a JSON array of distinct algorithms from RS256, ES256, EdDSA, including RS256, got "HS256" (from env GATEHOUSE_KEYS_ALGORITHMS)',
    ]);
  });

  it('refuses an access token algorithm that keys.algorithms keeps no keys for', () => {
    assert.deepEqual(problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_KEYS_ALGORITHMS: '["RS256"]' } })), [
      '`keys.accessTokenAlgorithm`: ES256 must be one of keys.algorithms ["RS256"]: add it there or choose one of those',
    ]);
    const explicit = problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_KEYS_ACCESS_TOKEN_ALGORITHM: 'EdDSA' }, flags: { dev: true } }));
    assert.match(explicit[0]!, /^`keys.accessTokenAlgorithm`: EdDSA must be one of keys.algorithms \["RS256","ES256"\].*\(from env GATEHOUSE_KEYS_ACCESS_TOKEN_ALGORITHM\)$/);
  });

  it('refuses scope names that break RFC 6749 §3.3 syntax', () => {
    const problems = problemsOf(() => loadConfig({ env: { ...production, GATEHOUSE_SCOPES: '{"bad scope":"x"}' } }));
    assert.match(problems[0]!, /^`scopes.bad scope`: expected a JSON object of scope name/);
  });
});
