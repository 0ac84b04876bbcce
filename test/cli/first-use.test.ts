// The CLI as a new user meets it: --version, usage errors, every configuration problem at once, a migrate that needs
// only the database, and the RFC 8252 §8.3 advice on a localhost redirect URI.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/project-root.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

describe('gatehouse on first use', () => {
  let dataDir: string;
  const gatehouse = (args: string[], env: NodeJS.ProcessEnv = cliEnvironment({ databaseUrl: undefined, dataDir })) => runCli(args, { env, cwd: dataDir });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-first-use-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await gatehouse([flag], {});
      assert.deepEqual([result.code, result.stdout, result.stderr], [0, `${version}\n`, '']);
    }
  });

  it('reports a missing argument and a misplaced flag in one line with exit 2', async () => {
    const [missing, misplaced] = await Promise.all([gatehouse(['users', 'show']), gatehouse(['users', 'delete', 'alice', '--force'])]);
    assertOneLineFailure(missing, 2, /^gatehouse: missing required argument 'username'\n$/);
    assertOneLineFailure(misplaced, 2, /^gatehouse: unknown option '--force'\n$/);
  });

  it('lists a bad port, an http issuer and a missing secret together, one per line, exit 2', async () => {
    const result = await gatehouse(['serve'], { GATEHOUSE_PORT: 'eighty', GATEHOUSE_ISSUER: 'http://id.example.com', GATEHOUSE_DATA_DIR: dataDir });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.deepEqual(result.stderr.split('\n'), [
      'gatehouse: invalid configuration:',
      '  - `port`: expected a TCP port 0-65535, got "eighty" (from env GATEHOUSE_PORT)',
      '  - `issuer`: http is refused for a non-loopback issuer in production, got "http://id.example.com" (from env GATEHOUSE_ISSUER)',
      '  - `keys.encryptionSecret`: required in production: set GATEHOUSE_KEYS_ENCRYPTION_SECRET or `keys.encryptionSecret` in gatehouse.config.json to at least 32 random characters',
      '',
    ]);
  });

  it('migrates with only the database configured', async () => {
    const env = { GATEHOUSE_DATA_DIR: join(dataDir, 'fresh'), GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL: 'ten' };
    const migrated = await gatehouse(['migrate', '--json'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.ok(jsonOf<{ applied: string[] }>(migrated).applied.length > 0);
    const badDatabase = await gatehouse(['migrate'], { GATEHOUSE_DATABASE_URL: 'mysql://db/x' });
    assertOneLineFailure(badDatabase, 2, /^gatehouse: invalid configuration: `databaseUrl`: expected postgres:/);
  });

  it('registers a localhost redirect URI, advising the loopback IP literal on stderr only', async () => {
    const created = await gatehouse(['clients', 'create', '--json', '--name', 'Local', '--redirect-uri', 'http://localhost:3000/cb', '--redirect-uri', 'http://127.0.0.1/cb']);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(jsonOf<{ redirect_uris: string[] }>(created).redirect_uris, ['http://localhost:3000/cb', 'http://127.0.0.1/cb']);
    assert.equal(
      created.stderr,
      'gatehouse: warning: redirect URI http://localhost:3000/cb uses "localhost"; RFC 8252 §8.3 advises the loopback IP literal instead, e.g. http://127.0.0.1:3000/cb\n',
    );
    const clientId = jsonOf<{ client_id: string }>(created).client_id;
    const updated = await gatehouse(['clients', 'update', clientId, '--redirect-uri', 'http://localhost/done']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.stderr, /^gatehouse: warning: redirect URI http:\/\/localhost\/done uses "localhost"; .* e\.g\. http:\/\/127\.0\.0\.1\/done\n$/);
    const plain = await gatehouse(['clients', 'update', clientId, '--redirect-uri', 'https://app.example/cb']);
    assert.equal(plain.stderr, '');
  });
});
