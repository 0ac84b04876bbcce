// `gatehouse audit verify` as a real child process on both engines while another process keeps appending to the chain.
import assert from 'node:assert/strict';
import { setImmediate } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { anAuditEvent, NOW } from '../store/fixtures.js';
import { cliEnvironment, runCli } from './run-cli.js';

// More than two of verify's pages, so appends land while it walks.
const EVENTS = 1200;
const RUNS = 3;

forEachEngine((engine) => {
  describe('gatehouse audit verify while events are appended', () => {
    let database: TestStore;

    before(async () => {
      database = await createTestStore(engine);
      for (let index = 0; index < EVENTS; index += 1) await database.store.audit.append(anAuditEvent({ occurredAt: NOW + index }));
    });
    after(() => database.cleanup());

    it('reports the chain intact on every run, each run counting at least what was there when it started', async () => {
      let appending = true;
      let appended = 0;
      // This test process is the other writer: appends go on, one after another, for as long as the verifications run.
      const appender = (async () => {
        while (appending) {
          await database.store.audit.append(anAuditEvent({ occurredAt: NOW + EVENTS + appended }));
          appended += 1;
          // better-sqlite3 answers synchronously: without a turn of the event loop, the child's exit would never be seen.
          await setImmediate();
        }
      })();
      const results: Array<{ before: number; code: number | null; stdout: string; stderr: string }> = [];
      try {
        for (let run = 0; run < RUNS; run += 1) {
          const before = EVENTS + appended;
          results.push({ before, ...(await runCli(['audit', 'verify', '--json'], { env: cliEnvironment(database), cwd: database.dataDir })) });
        }
      } finally {
        appending = false;
        await appender;
      }
      assert.ok(appended > 0, 'events were appended while verify ran');
      for (const result of results) {
        assert.equal(result.code, 0, `verify with appends going on: ${result.stdout} ${result.stderr}`);
        const verification = JSON.parse(result.stdout) as { intact: boolean; checked: number };
        assert.equal(verification.intact, true);
        assert.ok(verification.checked >= result.before, `${verification.checked} checked, ${result.before} there before`);
      }
    });
  });
});
