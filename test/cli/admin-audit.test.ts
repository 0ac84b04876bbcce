// Every admin command that changes state leaves its events in the audit trail with the `cli:<os user>` actor; the
// command tree is checked against the list below, so a new command must say which events it records (or that it changes nothing).
import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import type { EventType } from '../../src/observability/events.js';
import { createTestStore, onSqliteOnly, type TestStore } from '../support/database.js';
import { cliEnvironment, jsonOf, runCli } from './run-cli.js';

/** Commands that record no event: they only read, migrate the schema, or (serve) run the server, whose events the flow tests check. */
const RECORD_NOTHING = [
  'serve', 'migrate', 'config check', 'config reference', 'clients list', 'clients show', 'clients apis', 'apis list', 'apis show',
  'users list', 'users show', 'consents list', 'keys list', 'audit list', 'audit verify', 'audit export', 'clients lint',
  'ops alerts', 'ops dashboard', 'db stats',
];

/**
 * Commands whose events depend on their input: `clients apply` records each client's events with the actor (checked
 * by test/cli/clients-apply.test.ts); `probe` signs in through a server, which records the flow's events, and with
 * --dev registers its client once through the same registration service as `clients create`.
 */
const CHECKED_ELSEWHERE = ['clients apply', 'probe'];

const API = 'https://api.example.test';
const PASSWORD = 'a long enough password\n';

interface Change {
  readonly command: string;
  /** The arguments after the command, given the client id the first change registered. */
  readonly args: (clientId: string) => string[];
  readonly events: readonly EventType[];
  readonly input?: string;
}

/** In the order they run: each change's events, and only those, are appended to the trail. */
const CHANGES: readonly Change[] = [
  { command: 'clients create', args: () => ['--name', 'app', '--redirect-uri', 'https://app.example/cb'], events: ['client.created'] },
  { command: 'clients update', args: (id) => [id, '--scope', 'openid profile'], events: ['client.updated'] },
  { command: 'clients rotate-secret', args: (id) => [id], events: ['client.secret_rotated'] },
  { command: 'apis create', args: () => ['--identifier', API, '--name', 'API', '--scope', 'read=Read things'], events: ['api.created'] },
  { command: 'apis update', args: () => [API, '--name', 'The API'], events: ['api.updated'] },
  { command: 'clients allow-api', args: (id) => [id, '--api', API], events: ['api.client_allowed'] },
  { command: 'clients disallow-api', args: (id) => [id, '--api', API], events: ['api.client_disallowed'] },
  { command: 'apis delete', args: () => [API], events: ['api.deleted'] },
  { command: 'users create', args: () => ['--username', 'alice', '--password-stdin'], input: PASSWORD, events: ['user.created'] },
  { command: 'users set-password', args: () => ['alice', '--password-stdin'], input: PASSWORD, events: ['user.password_changed'] },
  { command: 'users grant-admin', args: () => ['alice'], events: ['user.admin_granted'] },
  { command: 'users revoke-admin', args: () => ['alice'], events: ['user.admin_revoked'] },
  { command: 'users disable', args: () => ['alice'], events: ['user.disabled'] },
  { command: 'users enable', args: () => ['alice'], events: ['user.enabled'] },
  { command: 'consents revoke', args: (id) => ['--user', 'alice', '--client', id], events: ['consent.revoked'] },
  { command: 'users delete', args: () => ['alice'], events: ['user.deleted'] },
  { command: 'keys rotate', args: () => [], events: ['key.created', 'key.rotated'] },
  { command: 'clients delete', args: (id) => [id], events: ['client.deleted'] },
];

function leafCommands(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((child) => {
    const path = [...prefix, child.name()];
    return child.commands.length === 0 ? [path.join(' ')] : leafCommands(child, path);
  });
}

describe('admin commands and the audit trail', () => {
  it('knows every command: each records nothing or is listed with the events it records', () => {
    const known = [...RECORD_NOTHING, ...CHECKED_ELSEWHERE, ...CHANGES.map((change) => change.command)].sort();
    assert.deepEqual(leafCommands(buildProgram()).sort(), known);
  });
});

onSqliteOnly((engine) => {
  describe('admin commands record their events', () => {
    let database: TestStore;
    before(async () => {
      database = await createTestStore(engine);
    });
    after(() => database.cleanup());

    it('appends the events of every state-changing command, each with the cli:<os user> actor', async () => {
      const actor = `cli:${userInfo().username}`;
      let clientId = '';
      let seen = 0;
      for (const change of CHANGES) {
        const args = [...change.command.split(' '), ...change.args(clientId), '--json'];
        const result = await runCli(args, { env: cliEnvironment(database), cwd: database.dataDir, ...(change.input === undefined ? {} : { input: change.input }) });
        assert.equal(result.code, 0, `${change.command}: ${result.stderr}`);
        if (change.command === 'clients create') clientId = String(jsonOf(result).client_id);
        const appended = await database.store.audit.listAfter(seen, { limit: 100 });
        seen = appended.at(-1)?.sequence ?? seen;
        assert.deepEqual([...new Set(appended.map((event) => event.type))].sort(), [...change.events].sort(), change.command);
        for (const event of appended) assert.equal(event.details.actor, actor, `${change.command}: ${event.type}`);
      }
    });
  });
});
