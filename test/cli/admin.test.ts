// `gatehouse config check`, `migrate`, `keys`, usage errors and an unreachable database, as real child processes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/project-root.js';
import { createTestDatabase, forEachEngine, type TestDatabase } from '../support/database.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli, TEST_ENCRYPTION_SECRET } from './run-cli.js';

describe('gatehouse without a database', () => {
  let dataDir: string;
  const gatehouse = (args: string[], env: NodeJS.ProcessEnv = cliEnvironment({ databaseUrl: undefined, dataDir })) => runCli(args, { env, cwd: dataDir });

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gatehouse-cli-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('config check shows the resolved issuer and database, or lists every problem with exit 2', async () => {
    const configPath = join(dataDir, 'gatehouse.json');
    await writeFile(configPath, JSON.stringify({ port: 'eighty', tokens: { accessTokenTtl: 5 }, colour: 'blue' }));
    const [valid, validJson, invalid, invalidServe] = await Promise.all([
      gatehouse(['config', 'check']),
      gatehouse(['config', 'check', '--json'], { ...cliEnvironment({ databaseUrl: 'postgres://admin:hunter2pass@db.internal:5432/gh', dataDir }) }),
      gatehouse(['config', 'check', '--config', configPath], { GATEHOUSE_KEYS_ENCRYPTION_SECRET: 'too-short-secret', GATEHOUSE_DATA_DIR: dataDir }),
      gatehouse(['serve'], { GATEHOUSE_DATA_DIR: dataDir }),
    ]);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /^configuration is valid\nissuer: +https:\/\/id\.example\.test\ndatabase: +embedded SQLite in .+\n/);
    assert.deepEqual(jsonOf(validJson), { valid: true, issuer: 'https://id.example.test', database: 'postgres://admin:***@db.internal:5432/gh', dev: false });

    assert.equal(invalid.code, 2);
    assert.equal(invalid.stdout, '');
    const problems = invalid.stderr.split('\n').filter((line) => line.startsWith('  - '));
    assert.match(invalid.stderr, /^gatehouse: invalid configuration:\n/);
    for (const setting of ['port', 'tokens.accessTokenTtl', 'colour', 'keys.encryptionSecret']) {
      assert.ok(problems.some((line) => line.includes(`\`${setting}\``)), `${setting} is listed in ${invalid.stderr}`);
    }
    assert.equal(invalid.stderr.includes('too-short-secret'), false);
    assert.equal(invalidServe.code, 2);
    assert.match(invalidServe.stderr, /^gatehouse: invalid configuration:\n {2}- `issuer`: required outside dev mode: set GATEHOUSE_ISSUER or `issuer` in gatehouse\.config\.json, or run with --dev\n {2}- `keys\.encryptionSecret`: required in production: /);
  });

  it('reaches the dev database with --dev, as `serve --dev` sets it up', async () => {
    const devEnv = { GATEHOUSE_DATA_DIR: join(dataDir, 'dev') };
    const created = await gatehouse(['clients', 'create', '--dev', '--json', '--name', 'Dev App', '--redirect-uri', 'http://localhost:3000/cb'], devEnv);
    assert.equal(created.code, 0, created.stderr);
    const [listed, inferred] = await Promise.all([gatehouse(['clients', 'list', '--dev', '--json'], devEnv), gatehouse(['clients', 'list', '--json'], devEnv)]);
    assert.deepEqual(
      jsonOf<Array<{ client_name: string }>>(listed).map((client) => client.client_name),
      ['Dev App'],
    );
    // Sealing the audit chain head made `clients create --dev` write the dev secret, as `serve --dev` does: the
    // folder is now a dev folder, and later commands find it without --dev.
    assert.equal(inferred.code, 0, inferred.stderr);
    assert.deepEqual(jsonOf<unknown[]>(inferred), jsonOf<unknown[]>(listed));
    const production = await gatehouse(['clients', 'list'], { GATEHOUSE_DATA_DIR: join(dataDir, 'never-dev') });
    assert.equal(production.code, 2);
    assert.match(production.stderr, /`issuer`: required outside dev mode/);
  });

  it('config reference prints the settings table the README embeds', async () => {
    const reference = await gatehouse(['config', 'reference'], {});
    assert.equal(reference.code, 0, reference.stderr);
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes(reference.stdout), 'the README carries the reference verbatim');
    assert.match(reference.stdout, /\| `tokens\.accessTokenTtl` \| `GATEHOUSE_TOKENS_ACCESS_TOKEN_TTL` \| `600` \|/);
  });

  it('reports usage errors in one line with exit 2, and --json errors as JSON on stderr', async () => {
    const [unknownFlag, unknownCommand, extraArgument, jsonFlag] = await Promise.all([
      gatehouse(['clients', 'create', '--nmae', 'Billing']),
      gatehouse(['clinets', 'list']),
      gatehouse(['users', 'list', 'everyone']),
      gatehouse(['clients', 'list', '--json', '--colour']),
    ]);
    assertOneLineFailure(unknownFlag, 2, /^gatehouse: unknown option '--nmae' \(Did you mean --name\?\)\n$/);
    assertOneLineFailure(unknownCommand, 2, /^gatehouse: unknown command 'clinets' \(Did you mean clients\?\)\n$/);
    assertOneLineFailure(extraArgument, 2, /too many arguments/);
    assert.equal(jsonFlag.code, 2);
    assert.deepEqual(JSON.parse(jsonFlag.stderr), { error: "unknown option '--colour'" });
  });

  it('reads passwords only from stdin or a terminal, and refuses a short one without repeating it', async () => {
    const [noTerminal, tooShort] = await Promise.all([
      gatehouse(['users', 'create', '--username', 'bob']),
      runCli(['users', 'create', '--username', 'bob', '--password-stdin'], { env: cliEnvironment({ databaseUrl: undefined, dataDir }), cwd: dataDir, input: 'short1\n' }),
    ]);
    assertOneLineFailure(noTerminal, 2, /^gatehouse: no terminal to prompt for the password: pipe it in and pass --password-stdin\n$/);
    assertOneLineFailure(tooShort, 1, /^gatehouse: password: must be at least 8 characters\n$/);
    assert.equal(tooShort.stderr.includes('short1'), false);
  });

  it('exits 3 with one line naming the host, never the password, when PostgreSQL refuses the connection', async () => {
    const env = { ...cliEnvironment({ databaseUrl: 'postgres://gatehouse:s3cret-db-pass@127.0.0.1:1/gatehouse', dataDir }) };
    const [human, json] = await Promise.all([gatehouse(['clients', 'list'], env), gatehouse(['migrate', '--json'], env)]);
    assertOneLineFailure(human, 3, /^gatehouse: cannot connect to PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED\n$/);
    assert.equal(json.code, 3);
    assert.match((JSON.parse(json.stderr) as { error: string }).error, /cannot connect to PostgreSQL/);
    for (const result of [human, json]) assert.equal(`${result.stdout}${result.stderr}`.includes('s3cret-db-pass'), false);
  });
});

forEachEngine((engine) => {
  describe('gatehouse migrate and keys', () => {
    let database: TestDatabase;
    const gatehouse = (...args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestDatabase(engine);
    });
    after(() => database.cleanup());

    it('applies migrations once, then reports the database up to date', async () => {
      const first = await gatehouse('migrate');
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^applied migrations:\n {2}\S+/);
      const second = await gatehouse('migrate');
      assert.deepEqual([second.code, second.stdout], [0, 'database is up to date\n']);
    });

    it('rotates the signing keys of every algorithm and lists them without private material', async () => {
      const rotated = await gatehouse('keys', 'rotate', '--json');
      assert.equal(rotated.code, 0, rotated.stderr);
      const outcomes = jsonOf<Array<{ alg: string; rotated: boolean; active_kid: string; next_kid: string }>>(rotated);
      assert.deepEqual(outcomes.map(({ alg, rotated: didRotate }) => [alg, didRotate]), [['RS256', true], ['ES256', true]]);
      const listed = await gatehouse('keys', 'list', '--json');
      const human = await gatehouse('keys', 'rotate');
      assert.equal(listed.code, 0, listed.stderr);
      const keys = jsonOf<Array<{ kid: string; alg: string; status: string }>>(listed);
      for (const { alg, active_kid: activeKid, next_kid: nextKid } of outcomes) {
        const ofAlg = keys.filter((key) => key.alg === alg);
        assert.deepEqual(ofAlg.map((key) => key.status).sort(), ['active', 'next', 'retired'], alg);
        assert.deepEqual([ofAlg.find((key) => key.status === 'active')?.kid, ofAlg.find((key) => key.status === 'next')?.kid], [activeKid, nextKid]);
      }
      assert.doesNotMatch(listed.stdout, /private|"d":|encrypted/i);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^rotated RS256: \S+ is the active signing key\nrotated ES256: \S+ is the active signing key\n$/);
      for (const { active_kid: activeKid } of outcomes) assert.equal(human.stdout.includes(activeKid), false, 'the next key became active');
      assert.equal(`${rotated.stdout}${listed.stdout}${human.stdout}`.includes(TEST_ENCRYPTION_SECRET), false);
    });

    it('rotates one algorithm with --algorithm, and refuses one that keys.algorithms does not list', async () => {
      const before = jsonOf<Array<{ kid: string; alg: string; status: string }>>(await gatehouse('keys', 'list', '--json'));
      const [only, unconfigured, unknown] = await Promise.all([
        gatehouse('keys', 'rotate', '--algorithm', 'ES256', '--json'),
        gatehouse('keys', 'rotate', '--algorithm', 'EdDSA'),
        gatehouse('keys', 'rotate', '--algorithm', 'HS256'),
      ]);
      assert.equal(only.code, 0, only.stderr);
      assert.deepEqual(jsonOf<Array<{ alg: string }>>(only).map((outcome) => outcome.alg), ['ES256']);
      assertOneLineFailure(unconfigured, 2, /^gatehouse: EdDSA is not in keys\.algorithms \(RS256, ES256\), so it has no keys to rotate\n$/);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stderr, /Allowed choices are RS256, ES256, EdDSA/);
      const after = jsonOf<Array<{ kid: string; alg: string; status: string }>>(await gatehouse('keys', 'list', '--json'));
      const activeOf = (keys: typeof before, alg: string) => keys.find((key) => key.alg === alg && key.status === 'active')?.kid;
      assert.equal(activeOf(after, 'RS256'), activeOf(before, 'RS256'));
      assert.notEqual(activeOf(after, 'ES256'), activeOf(before, 'ES256'));
      assert.equal(after.some((key) => key.alg === 'EdDSA'), false);
    });
  });
});
