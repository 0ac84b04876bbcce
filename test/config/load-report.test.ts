// loadConfig as a whole: every problem in one report, messages that say where settings come from, the database
// slice `migrate` needs, the dev mode a `serve --dev` data folder implies, and the dev issuer on the real port.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig, loadDatabaseConfig, withListeningPort, type LoadConfigOptions } from '../../src/config/load.js';
import { problemsOf } from '../support/config-problems.js';

const SECRET = 'k'.repeat(40);

describe('loadConfig reports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-report-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a bad port, an http issuer and a missing secret together, the invalid value first', () => {
    const problems = problemsOf(() => loadConfig({ env: { GATEHOUSE_PORT: 'eighty', GATEHOUSE_ISSUER: 'http://id.example.com' } }));
    assert.deepEqual(problems, [
      '`port`: expected a TCP port 0-65535, got "eighty" (from env GATEHOUSE_PORT)',
      '`issuer`: http is refused for a non-loopback issuer in production, got "http://id.example.com" (from env GATEHOUSE_ISSUER)',
      '`keys.encryptionSecret`: required in production: set GATEHOUSE_KEYS_ENCRYPTION_SECRET or `keys.encryptionSecret` in gatehouse.config.json to at least 32 random characters',
    ]);
  });

  it('an invalid issuer once, not again as missing', () => {
    const problems = problemsOf(() => loadConfig({ env: { GATEHOUSE_ISSUER: 'ftp://id.example.com', GATEHOUSE_KEYS_ENCRYPTION_SECRET: SECRET } }));
    assert.deepEqual(problems, ['`issuer`: expected an absolute http(s) URL without query or fragment, got "ftp://id.example.com" (from env GATEHOUSE_ISSUER)']);
  });

  it('a missing issuer with where to set it, naming the file in use, never "(default)"', () => {
    assert.deepEqual(problemsOf(() => loadConfig({ env: { GATEHOUSE_KEYS_ENCRYPTION_SECRET: SECRET } })), [
      '`issuer`: required outside dev mode: set GATEHOUSE_ISSUER or `issuer` in gatehouse.config.json, or run with --dev',
    ]);
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ port: 4100 }));
    const [problem] = problemsOf(() => loadConfig({ configPath: file, env: { GATEHOUSE_KEYS_ENCRYPTION_SECRET: SECRET } }));
    assert.equal(problem, `\`issuer\`: required outside dev mode: set GATEHOUSE_ISSUER or \`issuer\` in ${file}, or run with --dev`);
  });
});

describe('loadDatabaseConfig', () => {
  it('reads only where the database is and how SQLite commits, whatever else is wrong or missing', () => {
    const env = { GATEHOUSE_DATABASE_URL: 'postgres://u@db:5432/g', GATEHOUSE_PORT: 'eighty', GATEHOUSE_TRUST_PROXY: 'true' };
    assert.deepEqual({ ...loadDatabaseConfig({ env }) }, { dataDir: './.gatehouse', databaseUrl: 'postgres://u@db:5432/g', sqliteSynchronous: 'normal' });
    assert.equal(loadDatabaseConfig({ env: { GATEHOUSE_SQLITE_SYNCHRONOUS: 'full' } }).sqliteSynchronous, 'full');
  });

  it('refuses a durability SQLite does not offer here', () => {
    assert.deepEqual(problemsOf(() => loadDatabaseConfig({ env: { GATEHOUSE_SQLITE_SYNCHRONOUS: 'off' } })), [
      '`sqliteSynchronous`: expected normal or full, got "off" (from env GATEHOUSE_SQLITE_SYNCHRONOUS)',
    ]);
  });

  it('still refuses a bad database URL, without its password', () => {
    assert.deepEqual(problemsOf(() => loadDatabaseConfig({ env: { GATEHOUSE_DATABASE_URL: 'mysql://root:hunter2@db/x' } })), [
      '`databaseUrl`: expected postgres://user@host:port/db or sqlite:<path>, got "mysql://root:***@db/x" (from env GATEHOUSE_DATABASE_URL)',
    ]);
  });
});

describe('a data folder set up by serve --dev', () => {
  const seen: string[] = [];
  const devFolder = (dataDir: string) => {
    seen.push(dataDir);
    return true;
  };
  const load = (env: NodeJS.ProcessEnv, more: Partial<LoadConfigOptions> = {}) => loadConfig({ env, isDevDataDir: devFolder, ...more });

  it('implies dev mode when no issuer, database or dev setting is configured', () => {
    seen.length = 0;
    const config = load({ GATEHOUSE_DATA_DIR: '/tmp/dev-data' });
    assert.deepEqual([config.dev, config.issuer, config.dataDir], [true, 'http://localhost:4000', '/tmp/dev-data']);
    assert.deepEqual(seen, ['/tmp/dev-data']);
    assert.equal(load({}).dev, true);
    assert.deepEqual(seen.at(-1), './.gatehouse');
  });

  it('never turns a configuration that names an issuer, a database or dev=false into dev mode', () => {
    seen.length = 0;
    const production = { GATEHOUSE_KEYS_ENCRYPTION_SECRET: SECRET };
    assert.equal(load({ ...production, GATEHOUSE_ISSUER: 'https://id.example.com' }).dev, false);
    assert.match(problemsOf(() => load({ ...production, GATEHOUSE_DATABASE_URL: 'postgres://u@db/g' }))[0]!, /^`issuer`: required outside dev mode/);
    assert.match(problemsOf(() => load({ ...production, GATEHOUSE_DEV: 'false' }))[0]!, /^`issuer`: required outside dev mode/);
    assert.deepEqual(seen, [], 'the folder is not even looked at');
  });
});

describe('withListeningPort', () => {
  it('moves a derived dev issuer to the real port and leaves a configured issuer alone', () => {
    const dev = loadConfig({ env: { GATEHOUSE_PORT: '0' }, flags: { dev: true } });
    assert.deepEqual([dev.issuer, dev.issuerFollowsPort], ['http://localhost:0', true]);
    const listening = withListeningPort(dev, 43123);
    assert.deepEqual([listening.issuer, listening.port], ['http://localhost:43123', 43123]);
    assert.ok(Object.isFrozen(listening));
    const configured = loadConfig({ env: { GATEHOUSE_PORT: '0', GATEHOUSE_ISSUER: 'http://127.0.0.1:9000' }, flags: { dev: true } });
    assert.equal(withListeningPort(configured, 43124).issuer, 'http://127.0.0.1:9000');
  });
});
