// `gatehouse audit export` as a real child process against both engines: JSON lines in pages, --follow until a signal, a closed reader.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { gatehouseCommand } from '../support/gatehouse-command.js';
import { createTestStore, forEachEngine, type TestStore } from '../support/database.js';
import { anAuditEvent, NOW } from '../store/fixtures.js';
import { assertOneLineFailure, childEnvironment, cliEnvironment, runCli } from './run-cli.js';

const EVENTS = 1200;
const FIELDS = ['sequence', 'occurredAt', 'type', 'userId', 'clientId', 'ip', 'userAgent', 'requestId', 'details', 'hash'];
const WAIT_MS = 30_000;

type Line = Record<string, unknown> & { sequence: number; type: string };

/** A running `gatehouse` whose stdout lines are collected as they arrive. */
class RunningCli {
  readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderrText = '';
  private readonly waiters = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string) {
    this.child = spawn(process.execPath, [...gatehouseCommand(), ...args], { cwd, env: childEnvironment(env) });
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.received(chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
  }

  /** The complete lines so far: a chunk of output can end in the middle of one. */
  get lines(): Line[] {
    return this.stdout.split('\n').slice(0, -1).map((line) => JSON.parse(line) as Line);
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Resolves once `predicate` holds for the lines so far; fails (never hangs) after WAIT_MS. */
  async waitFor(predicate: (lines: Line[]) => boolean, what: string): Promise<void> {
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      this.waiters.forEach((wake) => wake());
    }, WAIT_MS);
    try {
      while (!predicate(this.lines)) {
        if (timedOut) assert.fail(`timed out waiting for ${what}; stdout: ${this.stdout}; stderr: ${this.stderrText}`);
        await new Promise<void>((resolve) => this.waiters.add(resolve));
      }
    } finally {
      clearTimeout(deadline);
    }
  }

  async exitCode(): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    const [code] = (await once(this.child, 'exit')) as [number | null];
    return code;
  }

  private received(chunk: string): void {
    this.stdout += chunk;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }
}

forEachEngine((engine) => {
  describe('gatehouse audit export', () => {
    let database: TestStore;
    const env = () => cliEnvironment(database);
    const gatehouse = (args: string[]) => runCli(args, { env: env(), cwd: database.dataDir });
    const start = (...args: string[]) => new RunningCli(['audit', 'export', '--format', 'jsonl', ...args], env(), database.dataDir);

    before(async () => {
      database = await createTestStore(engine);
      for (let index = 0; index < EVENTS; index += 1) await database.store.audit.append(anAuditEvent({ occurredAt: NOW + index }));
    });
    after(() => database.cleanup());

    it('prints every event oldest first as one JSON object a line, across pages, with stable field names', async () => {
      const result = await gatehouse(['audit', 'export', '--format', 'jsonl']);
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
      assert.deepEqual(lines.map((line) => line.sequence), Array.from({ length: EVENTS }, (_, index) => index + 1));
      assert.deepEqual(Object.keys(lines[0] ?? {}), FIELDS);
      const [newest] = await database.store.audit.list({ limit: 1 });
      assert.deepEqual(lines.at(-1), { ...lines.at(-1), occurredAt: new Date((newest?.occurredAt ?? 0) * 1000).toISOString(), hash: newest?.hash, details: newest?.details });
    });

    it('--after resumes after a sequence number, whatever the times; a sequence past the end prints nothing', async () => {
      const resumed = await gatehouse(['audit', 'export', '--format', 'jsonl', '--after', String(EVENTS - 3)]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.deepEqual(resumed.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as Line).sequence), [EVENTS - 2, EVENTS - 1, EVENTS]);
      assert.deepEqual(await gatehouse(['audit', 'export', '--format', 'jsonl', '--after', '99999999']), { code: 0, stdout: '', stderr: '' });
    });

    it('refuses an --after that is not a whole number, and --after with --since, in one line with exit code 2', async () => {
      const [fraction, word, both] = await Promise.all([
        gatehouse(['audit', 'export', '--format', 'jsonl', '--after', '1.5']),
        gatehouse(['audit', 'export', '--format', 'jsonl', '--after', 'last']),
        gatehouse(['audit', 'export', '--format', 'jsonl', '--after', '1', '--since', '1d']),
      ]);
      assertOneLineFailure(fraction, 2, /^gatehouse: --after expects a sequence number \(a whole number from 0\), got "1\.5"\n$/);
      assertOneLineFailure(word, 2, /--after expects a sequence number .*got "last"/);
      assertOneLineFailure(both, 2, /--after.* cannot be used with .*--since/);
    });

    it('without --follow leaves SIGTERM its default: an interrupted export dies of it rather than exiting 0 as if complete', async () => {
      const child = spawn(process.execPath, [...gatehouseCommand(), 'audit', 'export', '--format', 'jsonl'], { cwd: database.dataDir, env: childEnvironment(env()) });
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      await once(child.stdout, 'data');
      // Unread, the pipe fills long before the trail is written: the export is still running when the signal comes.
      child.stdout.pause();
      child.kill('SIGTERM');
      child.stdout.resume();
      assert.deepEqual(await exited, [null, 'SIGTERM']);
    });

    it('needs --format jsonl and a readable --since', async () => {
      const [missing, csv, since] = await Promise.all([
        gatehouse(['audit', 'export']),
        gatehouse(['audit', 'export', '--format', 'csv']),
        gatehouse(['audit', 'export', '--format', 'jsonl', '--since', 'last week']),
      ]);
      assertOneLineFailure(missing, 2, /^gatehouse: audit export needs --format jsonl\n$/);
      assertOneLineFailure(csv, 2, /--format.*csv/);
      assertOneLineFailure(since, 2, /--since expects/);
    });

    it('fails in one line with exit code 1 when stdout cannot be written (a full disk)', async () => {
      const full = await open('/dev/full', 'w');
      try {
        const child = spawn(process.execPath, [...gatehouseCommand(), 'audit', 'export', '--format', 'jsonl'], {
          cwd: database.dataDir, env: childEnvironment(env()), stdio: ['ignore', full.fd, 'pipe'],
        });
        let stderr = '';
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        const [code] = (await once(child, 'close')) as [number | null];
        assert.equal(code, 1);
        assert.match(stderr, /^gatehouse: [^\n]*ENOSPC[^\n]*\n$/);
      } finally {
        await full.close();
      }
    });

    it('ends quietly with exit code 0 when the reader closes its end (| head)', async () => {
      const running = start();
      try {
        await running.waitFor((lines) => lines.length > 0, 'the first line');
        running.child.stdout.destroy();
        assert.equal(await running.exitCode(), 0);
        assert.equal(running.stderr, '');
      } finally {
        running.child.kill('SIGKILL');
      }
    });

    it('--follow prints events appended later (from --since on) until SIGTERM or SIGINT, then exits 0', async () => {
      const since = new Date((NOW + EVENTS - 2) * 1000).toISOString();
      // Two events from --since on, then one more per round: the user created in the round before.
      for (const [round, signal] of (['SIGTERM', 'SIGINT'] as const).entries()) {
        const running = start('--follow', '--since', since);
        try {
          await running.waitFor((lines) => lines.length === 2 + round, 'the events from --since on');
          const created = await runCli(['users', 'create', '--username', `user-${signal}`, '--password-stdin'], { env: env(), cwd: database.dataDir, input: 'a long enough password\n' });
          assert.equal(created.code, 0, created.stderr);
          const isNewEvent = (line: Line) => line.type === 'user.created' && (line.details as { actor?: string }).actor?.startsWith('cli:') === true;
          await running.waitFor((lines) => lines.length === 3 + round && isNewEvent(lines.at(-1)!), 'the new event');
          running.child.kill(signal);
          assert.equal(await running.exitCode(), 0, running.stderr);
          assert.equal(running.stderr, '');
        } finally {
          running.child.kill('SIGKILL');
        }
      }
    });
  });

  describe('gatehouse audit export --since, on instances whose clocks differ', () => {
    let database: TestStore;
    const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
    const start = (...args: string[]) => new RunningCli(['audit', 'export', '--format', 'jsonl', ...args], cliEnvironment(database), database.dataDir);

    before(async () => {
      database = await createTestStore(engine);
      // The third event comes from an instance whose clock is behind: appended later, it occurred "earlier".
      for (const occurredAt of [NOW - 100, NOW, NOW - 50, NOW + 1]) await database.store.audit.append(anAuditEvent({ occurredAt }));
    });
    after(() => database.cleanup());

    it('starts at the first event at or after --since and then prints every later one by sequence, whatever its time', async () => {
      const result = await runCli(['audit', 'export', '--format', 'jsonl', '--since', iso(NOW)], { env: cliEnvironment(database), cwd: database.dataDir });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout.trimEnd().split('\n').map((line) => (JSON.parse(line) as Line).sequence), [2, 3, 4]);
    });

    it('--follow --since prints an event appended later with an earlier time', async () => {
      const running = start('--follow', '--since', iso(NOW));
      try {
        await running.waitFor((lines) => lines.length === 3, 'the events from --since on');
        await database.store.audit.append(anAuditEvent({ occurredAt: NOW - 500 }));
        await running.waitFor((lines) => lines.at(-1)?.sequence === 5, 'the event with the earlier clock');
        running.child.kill('SIGTERM');
        assert.equal(await running.exitCode(), 0, running.stderr);
      } finally {
        running.child.kill('SIGKILL');
      }
    });

    it('--follow --since a time no event has reached yet prints every event appended from then on', async () => {
      const running = start('--follow', '--since', iso(NOW + 3600));
      // Events keep coming until one is printed: those appended before the export found its start are rightly left out.
      let appending = true;
      const appender = (async () => {
        while (appending) {
          await database.store.audit.append(anAuditEvent({ occurredAt: NOW }));
          await sleep(200);
        }
      })();
      try {
        try {
          await running.waitFor((lines) => lines.length > 0, 'an event appended after the start');
        } finally {
          appending = false;
          await appender;
        }
        assert.equal(running.lines[0]?.occurredAt, iso(NOW));
        running.child.kill('SIGTERM');
        assert.equal(await running.exitCode(), 0, running.stderr);
      } finally {
        running.child.kill('SIGKILL');
      }
    });
  });
});
