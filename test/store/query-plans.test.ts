// Every statement the store contract runs, as SQLite plans it: none may read the whole of a table that grows with the
// user base, since with a million rows such a scan holds the event loop and the write lock for 0.1 s or more. The
// exceptions are listed with why each is bounded or never on the path of a request or of a timer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { copyMigratedSqlite } from '../support/sqlite-template.js';

const GROWING_TABLES = new Set([
  'users', 'sessions', 'consents', 'token_families', 'refresh_tokens', 'authorization_codes', 'audit_events',
  'session_clients', 'logout_deliveries', 'revoked_access_tokens', 'client_assertion_jtis', 'dpop_proof_jtis',
  'device_authorizations', 'pushed_authorization_requests', 'interactions', 'login_throttle',
]);

const ALLOWED_SCANS: readonly { readonly statement: RegExp; readonly why: string }[] = [
  {
    statement: /^select "\w+" as last_key from "\w+" \n\s*order by "\w+" limit 1 offset \?$/,
    why: 'the end of the first sweep slice: a walk of one slice of keys in key order, stopped by the offset',
  },
  {
    statement: /^delete from "\w+" where 1 = 1 and 1 = 1 and /,
    why: 'a sweep slice that is the whole table, which happens only when the table holds fewer rows than a slice',
  },
  {
    statement: /^select "sequence", "hash", "occurred_at" from "audit_events" order by "sequence" limit \?$/,
    why: 'pruning the audit trail reads its oldest events in key order and stops at the batch size',
  },
  {
    statement: /^select \* from "audit_events" (where "occurred_at" >= \? and "occurred_at" <= \? )?order by "sequence" desc limit \?$/,
    why: '`gatehouse audit list` (and export, for the newest event): the newest events first, an operator at a terminal',
  },
  {
    statement: /^select \* from "users" order by "username"$/,
    why: '`gatehouse users list`, an operator at a terminal',
  },
  {
    statement: /^delete from session_clients where not exists \(select 1 from sessions /,
    why: 'migration 021 removes the participants left by the sweep before it, once',
  },
];

const STORE_TESTS = import.meta.dirname;
const STATEMENT_LOG_HOOK = join(import.meta.dirname, '../support/statement-log.js');

/** The distinct data statements the store contract tests prepare on SQLite. */
async function statementsOfTheStoreContract(folder: string): Promise<string[]> {
  const log = join(folder, 'statements.jsonl');
  const files = readdirSync(STORE_TESTS).filter((file) => file.endsWith('.test.js') && file !== basename(import.meta.filename)).map((file) => join(STORE_TESTS, file));
  // A run of its own, not a child of this one (NODE_TEST_CONTEXT), on SQLite only.
  const environment = { ...process.env };
  delete environment.NODE_TEST_CONTEXT;
  await promisify(execFile)(process.execPath, ['--import', STATEMENT_LOG_HOOK, '--test', '--test-concurrency=2', ...files], {
    env: { ...environment, TEST_DATABASE_URL: '', GATEHOUSE_TEST_STATEMENT_LOG: log },
    maxBuffer: 64 * 1024 * 1024,
  });
  const statements = readFileSync(log, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as string);
  return [...new Set(statements)].filter((statement) => /^\s*(select|insert|update|delete|with)\b/i.test(statement));
}

/** The growing tables the plan reads whole. */
function scannedTables(planner: BetterSqlite3.Database, statement: string): string[] {
  // Kysely binds every value: one null per placeholder plans the statement as it runs.
  const parameters = Array.from(statement.matchAll(/\?/g), () => null);
  const plan = planner.prepare(`explain query plan ${statement}`).all(...parameters) as { detail: string }[];
  return plan.flatMap(({ detail }) => {
    const table = /^SCAN (\w+)/.exec(detail)?.[1];
    return table !== undefined && GROWING_TABLES.has(table) ? [table] : [];
  });
}

describe('query plans on SQLite', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-plans-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('no statement of the store scans a growing table, but those allowed with a reason, and every allowance is used', async () => {
    const statements = await statementsOfTheStoreContract(folder);
    const file = join(folder, 'planner.db');
    await copyMigratedSqlite(file);
    const planner = new BetterSqlite3(file, { readonly: true });
    const scanning = statements.flatMap((statement) => {
      const tables = scannedTables(planner, statement);
      return tables.length === 0 ? [] : [{ statement, tables }];
    });
    planner.close();
    const unexplained = scanning.filter(({ statement }) => !ALLOWED_SCANS.some((allowed) => allowed.statement.test(statement)));
    assert.deepEqual(unexplained, [], 'index the statement, bound it, or allow it in ALLOWED_SCANS saying why');
    const unused = ALLOWED_SCANS.filter((allowed) => !scanning.some(({ statement }) => allowed.statement.test(statement)));
    assert.deepEqual(unused.map((allowed) => allowed.statement.source), [], 'allowances no statement needs any more');
  });
});
