// `gatehouse audit list|verify` as a real child process against both engines: the trail for a person, and tampering found.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEventRecord } from '../../src/store/records.js';
import { insertForgedEvent } from '../support/audit-tampering.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { anAuditEvent, aUser, NOW } from '../store/fixtures.js';
import { assertOneLineFailure, cliEnvironment, jsonOf, runCli } from './run-cli.js';

type Listed = Array<{ sequence: number; username: string | null }>;

forEachEngine((engine) => {
  describe('gatehouse audit list', () => {
    let database: TestStore;
    const gatehouse = (args: string[]) => runCli(args, { env: cliEnvironment(database), cwd: database.dataDir });
    const sequences = async (args: string[]) => {
      const result = await gatehouse(['audit', 'list', '--json', ...args]);
      assert.equal(result.code, 0, result.stderr);
      return jsonOf<Listed>(result).map((event) => event.sequence);
    };

    before(async () => {
      database = await createTestStore(engine);
      const { store } = database;
      const alice = aUser({ username: 'alice' });
      await store.users.create(alice);
      const event = (overrides: Parameters<typeof anAuditEvent>[0]) => store.audit.append(anAuditEvent({ clientId: null, ip: null, requestId: null, ...overrides }));
      await event({ type: 'user.created', userId: alice.userId, occurredAt: NOW - 3600, details: { actor: 'cli:root' } });
      await event({ type: 'login.succeeded', userId: alice.userId, clientId: 'photos', ip: '192.0.2.1', requestId: 'req-1', occurredAt: NOW - 1800, details: { flowId: 'f1' } });
      await event({ type: 'login.failed', userId: 'gone-user', clientId: 'photos', occurredAt: NOW - 60, details: { knownDevice: false, note: '\u001b[2J erased' } });
      await event({ type: 'user.deleted', userId: 'gone-user', occurredAt: NOW, details: { username: 'bob', actor: 'cli:root' } });
      await event({ type: 'user.enabled', userId: alice.userId, occurredAt: Math.floor(Date.now() / 1000) - 10, details: {} });
    });
    after(() => database.cleanup());

    it('prints a table newest first, naming users who still exist, with control characters escaped', async () => {
      const listed = await gatehouse(['audit', 'list']);
      assert.equal(listed.code, 0, listed.stderr);
      const lines = listed.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^TIME +TYPE +USER +CLIENT +IP +REQUEST_ID +DETAILS$/);
      assert.deepEqual(lines.slice(1).map((line) => line.split(/ +/)[1]), ['user.enabled', 'user.deleted', 'login.failed', 'login.succeeded', 'user.created']);
      assert.match(lines[4] ?? '', /^2023-11-14T21:43:20\.000Z +login\.succeeded +alice +photos +192\.0\.2\.1 +req-1 +flowId=f1$/);
      assert.match(lines[2] ?? '', / gone-user .*username=bob actor=cli:root$/);
      assert.ok(lines[3]?.endsWith('knownDevice=false note="\\u001b[2J erased"'), lines[3]);
      assert.equal(listed.stdout.includes('\u001b'), false, 'no escape character reaches the terminal');
    });

    it('filters by user (name, id, or a deleted user the trail still names), client, type, time and count', async () => {
      const alice = await gatehouse(['audit', 'list', '--user', 'alice', '--json']);
      assert.deepEqual(jsonOf<Listed>(alice).map((event) => [event.sequence, event.username]), [[5, 'alice'], [2, 'alice'], [1, 'alice']]);
      assert.deepEqual(await sequences(['--user', 'gone-user']), [4, 3]);
      assert.deepEqual(await sequences(['--client', 'photos', '--type', 'login.failed']), [3]);
      assert.deepEqual(await sequences(['--since', '2023-11-14T21:43:20Z', '--until', '2023-11-14T22:12:20']), [3, 2], 'a time without a zone is UTC');
      assert.deepEqual(await sequences(['--since', '15m']), [5]);
      assert.deepEqual(await sequences(['--until', '2023-11-14']), [4, 3, 2, 1], 'a date alone as --until includes all of that day');
      assert.deepEqual(await sequences(['--since', '2023-11-14', '--until', '2023-11-14']), [4, 3, 2, 1]);
      assert.deepEqual(await sequences(['--until', '2023-11-13']), []);
      assert.deepEqual(await sequences(['--limit', '2']), [5, 4]);
      const none = await gatehouse(['audit', 'list', '--type', 'key.rotated']);
      assert.deepEqual([none.code, none.stdout], [0, 'no audit events\n']);
    });

    it('refuses an unknown user, a time it cannot read, a reversed range and a bad limit, in one line each', async () => {
      const [user, since, range, limit] = await Promise.all([
        gatehouse(['audit', 'list', '--user', 'nobody']),
        gatehouse(['audit', 'list', '--since', 'yesterday']),
        gatehouse(['audit', 'list', '--since', '1h', '--until', '2d']),
        gatehouse(['audit', 'list', '--limit', '0']),
      ]);
      assertOneLineFailure(user, 1, /^gatehouse: no user named "nobody"\n$/);
      assertOneLineFailure(since, 2, /--since expects an ISO 8601 time .* got "yesterday"/);
      assertOneLineFailure(range, 2, /--since is later than --until/);
      assertOneLineFailure(limit, 2, /--limit expects a whole number from 1 to 10000, got "0"/);
    });
  });

  describe('gatehouse audit verify', () => {
    let database: TestStore;
    let events: AuditEventRecord[];
    const verify = (...args: string[]) => runCli(['audit', 'verify', ...args], { env: cliEnvironment(database), cwd: database.dataDir });
    const assertBreak = async (sequence: number, position: number, kind: string) => {
      const result = await verify();
      assertOneLineFailure(result, 1, new RegExp(`^gatehouse: audit trail broken at sequence ${sequence} \\(position ${position} in the chain\\): .*${kind}`));
    };

    before(async () => {
      database = await createTestStore(engine);
      events = [];
      for (let index = 0; index < 6; index += 1) events.push(await database.store.audit.append(anAuditEvent({ occurredAt: NOW + index })));
    });
    after(() => database.cleanup());

    it('says the chain is intact with the records checked and the head', async () => {
      const result = await verify();
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `audit trail intact: 6 records checked, head at sequence 6 (${events[5]?.hash})\n`);
      assert.deepEqual(jsonOf(await verify('--json')), { intact: true, checked: 6, head: { sequence: 6, hash: events[5]?.hash }, sealed: true });
    });

    it("finds a record's details, type or time altered, naming its position", async () => {
      const tamper = async (change: string, undo: string, sequence: number) => {
        await database.sql(`${change} where sequence = ${sequence}`);
        await assertBreak(sequence, sequence, 'the record was altered');
        await database.sql(`${undo} where sequence = ${sequence}`);
      };
      const [original] = await database.sql('select details from audit_events where sequence = 3');
      await tamper(`update audit_events set details = '{"method":"forged"}'`, `update audit_events set details = '${String(original?.details)}'`, 3);
      await tamper(`update audit_events set type = 'user.enabled'`, `update audit_events set type = '${events[3]?.type}'`, 4);
      await tamper('update audit_events set occurred_at = occurred_at + 1', 'update audit_events set occurred_at = occurred_at - 1', 2);
      assert.equal((await verify()).code, 0, 'every change was undone');
    });

    it('finds a forged record past the head, and reports it as JSON with exit code 1', async () => {
      await insertForgedEvent(database, 7, events[5]!.hash);
      const result = await verify('--json');
      assert.equal(result.code, 1, result.stderr);
      assert.deepEqual(jsonOf(result), { intact: false, checked: 6, firstBreak: { sequence: 7, position: 7, kind: 'inserted' } });
      await assertBreak(7, 7, 'a record was inserted');
      await database.sql('delete from audit_events where sequence = 7');
    });

    it('finds a record deleted at the end, then one deleted in the middle', async () => {
      await database.sql('delete from audit_events where sequence = 6');
      await assertBreak(6, 6, 'a record was deleted');
      await database.sql('delete from audit_events where sequence = 3');
      await assertBreak(3, 3, 'a record was deleted');
    });
  });
});
