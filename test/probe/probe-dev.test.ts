// `gatehouse probe --dev` against a real `serve --dev` on both engines: the demo user with the password printed at the
// first start, and the public probe client registered in the dev database on first use (consent once, then remembered).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, onSqliteOnly, type TestDatabase } from '../support/database.js';
import { startServeProcess, type ServeProcess } from '../support/serve-process.js';
import { freePort } from '../support/server.js';
import { assertNothingLeaked, runProbeCommand, stepLines } from './run-probe.js';

onSqliteOnly((engine) => {
  describe('gatehouse probe --dev', () => {
    let database: TestDatabase;
    let folder: string;
    let server: ServeProcess;
    let env: NodeJS.ProcessEnv;
    let demoPassword: string;

    before(async () => {
      database = await createTestDatabase(engine);
      folder = await mkdtemp(join(tmpdir(), 'gatehouse-probe-dev-'));
      const port = await freePort();
      env = {
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_DATA_DIR: database.dataDir,
        ...(engine.name === 'postgres' ? { GATEHOUSE_DATABASE_URL: database.databaseUrl } : {}),
      };
      server = startServeProcess(['--dev'], env, folder);
      await server.waitFor(/Discovery: /);
      demoPassword = /user: +demo \/ (\S+)/.exec(server.output())?.[1] ?? assert.fail('no demo password printed');
    });
    after(async () => {
      server.child.kill('SIGTERM');
      await server.exited();
      await database.cleanup();
      await rm(folder, { recursive: true, force: true });
    });

    it('registers its public client once, consents on the first run, and skips the remembered consent after', async () => {
      const first = await runProbeCommand({ args: ['--dev'], env, password: demoPassword, cwd: folder });
      assert.equal(first.code, 0, first.stdout + first.stderr);
      assert.match(first.stderr, /^gatehouse: registered the dev probe client "Gatehouse Probe" \([\w-]+\) in the dev database\n$/);
      assert.equal(stepLines(first.stdout).get('consent'), 'ok');
      assert.match(first.stdout, new RegExp(`probe of http://localhost:${env.GATEHOUSE_PORT} passed`));
      assertNothingLeaked(first, [demoPassword]);

      const second = await runProbeCommand({ args: ['--dev'], env, password: demoPassword, cwd: folder });
      assert.equal(second.code, 0, second.stdout + second.stderr);
      assert.equal(second.stderr, '', 'the client is registered only once');
      assert.match(stepLines(second.stdout).get('consent') ?? '', /^skipped: /);
    });
  });
});
