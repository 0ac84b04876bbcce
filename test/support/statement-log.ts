// Loaded with --import into a process whose SQL is to be read: every distinct statement the store's own code prepares
// through better-sqlite3 (not a test's literal SQL) is appended, as a JSON string on its own line, to the file
// GATEHOUSE_TEST_STATEMENT_LOG names.
import { appendFileSync } from 'node:fs';
import { sep } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const logFile = process.env.GATEHOUSE_TEST_STATEMENT_LOG;
const STORE_CODE = `${sep}src${sep}store${sep}`;

function fromTheStore(): boolean {
  return new Error().stack?.includes(STORE_CODE) === true;
}

if (logFile !== undefined && logFile !== '') {
  const seen = new Set<string>();
  const { prepare } = BetterSqlite3.prototype as { prepare: (this: BetterSqlite3.Database, source: string) => BetterSqlite3.Statement };
  BetterSqlite3.prototype.prepare = function logged(this: BetterSqlite3.Database, source: string) {
    if (!seen.has(source) && fromTheStore()) {
      seen.add(source);
      appendFileSync(logFile, `${JSON.stringify(source)}\n`);
    }
    return prepare.call(this, source);
  } as BetterSqlite3.Database['prepare'];
}
