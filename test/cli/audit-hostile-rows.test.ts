// `gatehouse audit list|export` as a real child process on both engines, over rows no honest append writes (corrupt
// details, absurd times) and stored values carrying characters that steer a terminal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestStore, forEachEngine, onSqliteOnly, type TestStore } from '../support/database.js';
import { anAuditEvent, NOW } from '../store/fixtures.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

type Listed = Record<string, unknown> & { sequence: number };

// U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2028/U+2029, a C1 control (U+009B, CSI), ESC, and an astral
// format character (U+E0001 LANGUAGE TAG, a surrogate pair).
const HOSTILE = 'curl\u202Egnp.exe\u200B\u2028line\u2029para\u009B2J\u001B[31m\u{E0001}end';
const RAW_UNSAFE = /[\p{Cc}\u200b\u202e\u2028\u2029]|\u{E0001}/u;

forEachEngine((engine) => {
  describe('gatehouse audit list and export over corrupt rows', () => {
    let database: TestStore;
    const gatehouse = (args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestStore(engine);
      for (let index = 0; index < 6; index += 1) await database.store.audit.append(anAuditEvent({ occurredAt: NOW + index, details: {} }));
      // Tampering behind the store's back: details that are not JSON, JSON that is not an object, times no clock gives.
      await database.sql(`update audit_events set details = 'not json {' where sequence = 1`);
      await database.sql(`update audit_events set details = '[1,2]' where sequence = 2`);
      await database.sql('update audit_events set occurred_at = -5 where sequence = 3');
      await database.sql('update audit_events set occurred_at = 1000000000000000 where sequence = 4');
    });
    after(() => database.cleanup());

    it('audit list prints every row, the corrupt ones flagged in the table and in --json', async () => {
      const table = await gatehouse(['audit', 'list']);
      assert.equal(table.code, 0, table.stderr);
      const rows = table.stdout.trimEnd().split('\n').slice(1);
      assert.equal(rows.length, 6);
      assert.match(rows[5] ?? '', / \(invalid details\)$/);
      assert.match(rows[4] ?? '', / \(invalid details\)$/);
      assert.match(rows[3] ?? '', /^\(invalid time\) /);
      assert.match(rows[2] ?? '', /^\(invalid time\) /);
      assert.match(rows[1] ?? '', /^2023-11-14T22:13:24\.000Z /);

      const listed = await gatehouse(['audit', 'list', '--json']);
      assert.equal(listed.code, 0, listed.stderr);
      const bySequence = new Map(jsonOf<Listed[]>(listed).map((event) => [event.sequence, event]));
      assert.deepEqual(bySequence.get(1), { ...bySequence.get(1), details: null, detailsInvalid: true, occurredAt: '2023-11-14T22:13:20.000Z' });
      assert.equal(bySequence.get(2)?.detailsInvalid, true);
      assert.deepEqual(bySequence.get(3), { ...bySequence.get(3), occurredAt: null, occurredAtInvalid: true, details: {} });
      assert.equal(bySequence.get(4)?.occurredAtInvalid, true);
      assert.equal('detailsInvalid' in (bySequence.get(5) ?? {}) || 'occurredAtInvalid' in (bySequence.get(5) ?? {}), false);
    });

    it('audit export prints every row in order, the corrupt ones flagged, and exits 0', async () => {
      const result = await gatehouse(['audit', 'export', '--format', 'jsonl']);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Listed);
      assert.deepEqual(lines.map((line) => line.sequence), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(
        lines.map((line) => [line.detailsInvalid ?? false, line.occurredAtInvalid ?? false]),
        [[true, false], [true, false], [false, true], [false, true], [false, false], [false, false]],
      );
      assert.deepEqual(Object.keys(lines[0] ?? {}), ['sequence', 'occurredAt', 'type', 'userId', 'clientId', 'ip', 'userAgent', 'requestId', 'details', 'detailsInvalid', 'hash']);
    });

    it('audit verify still reports the first corrupt row as altered, even where the original details were empty', async () => {
      const result = await gatehouse(['audit', 'verify']);
      assertOneLineFailure(result, 1, /^gatehouse: audit trail broken at sequence 1 \(position 1 in the chain\): the record was altered;/);
    });
  });

});

// Escaping and option parsing do not depend on the engine.
onSqliteOnly((engine) => {
  describe('gatehouse audit list and export over stored values that steer a terminal', () => {
    let database: TestStore;
    const gatehouse = (args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestStore(engine);
      await database.store.audit.append(anAuditEvent({ userAgent: HOSTILE, clientId: `app\u202Eevil`, details: { clientName: HOSTILE } }));
    });
    after(() => database.cleanup());

    it('escapes format characters, separators and C0 and C1 controls in the table', async () => {
      const result = await gatehouse(['audit', 'list']);
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stdout.replaceAll('\n', ''), RAW_UNSAFE);
      assert.ok(result.stdout.includes('app\\u202eevil'), result.stdout);
      assert.ok(result.stdout.includes('\\u200b\\u2028line\\u2029para\\u009b2J\\u001b[31m\\udb40\\udc01end'), result.stdout);
    });

    it('escapes them in --json and in the export as \\u escapes (\\u202e), which parse back to the stored strings', async () => {
      const [listed, exported] = await Promise.all([gatehouse(['audit', 'list', '--json']), gatehouse(['audit', 'export', '--format', 'jsonl'])]);
      for (const result of [listed, exported]) {
        assert.equal(result.code, 0, result.stderr);
        assert.doesNotMatch(result.stdout.replaceAll('\n', ''), RAW_UNSAFE);
      }
      const [event] = jsonOf<Listed[]>(listed);
      const line = JSON.parse(exported.stdout) as Listed;
      for (const parsed of [event, line]) {
        assert.equal(parsed?.userAgent, HOSTILE);
        assert.equal(parsed?.clientId, 'app\u202Eevil');
        assert.deepEqual(parsed?.details, { clientName: HOSTILE });
      }
    });
  });

  describe('gatehouse audit list and export refuse impossible dates', () => {
    let database: TestStore;
    const gatehouse = (args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });

    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('refuses a day a month does not have, a 13th month, 24:00 and 29 February of a common year, in one line with exit code 2', async () => {
      const cases: Array<[string, string]> = [
        ['--since', '2026-02-30'],
        ['--until', '2026-04-31T10:00:00Z'],
        ['--since', '2026-13-01'],
        ['--until', '2026-01-01T24:00'],
        ['--since', '2025-02-29'],
        ['--since', '2026-01-01T10:00+25:00'],
      ];
      const results = await Promise.all(cases.map(([flag, value]) => gatehouse(['audit', 'list', flag, value])));
      results.forEach((result, index) => {
        const [flag, value] = cases[index]!;
        const quoted = JSON.stringify(value).replace(/[+.]/g, '\\$&');
        assertOneLineFailure(result, 2, new RegExp(`^gatehouse: ${flag} (got ${quoted}, which is not a real date and time|expects an ISO 8601 time .*got ${quoted})\\n$`));
      });
      assertOneLineFailure(await gatehouse(['audit', 'export', '--format', 'jsonl', '--since', '2026-02-30']), 2, /--since got "2026-02-30", which is not a real date/);
    });

    it('accepts 29 February of a leap year and a zone offset', async () => {
      for (const value of ['2024-02-29', '2024-02-29T23:59:59.999-05:30']) {
        const result = await gatehouse(['audit', 'list', '--since', value]);
        assert.deepEqual([result.code, result.stdout], [0, 'no audit events\n'], result.stderr);
      }
    });
  });
});
