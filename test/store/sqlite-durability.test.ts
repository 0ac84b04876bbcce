// The sqliteSynchronous setting: every connection runs the durability it asks for, whether or not it created the file
// (left to SQLite, the creating process would run FULL and every later one NORMAL).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { connectSqlite } from '../../src/store/sqlite.js';

/** SQLite's `PRAGMA synchronous` of a fresh connection to `file`: 1 is NORMAL, 2 is FULL. */
async function synchronousOf(file: string, setting?: 'normal' | 'full'): Promise<number> {
  const connection = connectSqlite(file, setting);
  try {
    const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(connection.db);
    return rows[0]!.synchronous;
  } finally {
    await connection.db.destroy();
  }
}

describe('SQLite commit durability', () => {
  let folder: string;
  before(async () => (folder = await mkdtemp(join(tmpdir(), 'gatehouse-durability-'))));
  after(() => rm(folder, { recursive: true, force: true }));

  it('runs NORMAL by default on the connection that creates the file and on every later one', async () => {
    const file = join(folder, 'default.db');
    assert.equal(await synchronousOf(file), 1);
    assert.equal(await synchronousOf(file), 1);
  });

  it('runs FULL when asked, on a new file and on an existing one', async () => {
    assert.equal(await synchronousOf(join(folder, 'full.db'), 'full'), 2);
    const existing = join(folder, 'default.db');
    assert.equal(await synchronousOf(existing, 'full'), 2);
    assert.equal(await synchronousOf(existing, 'normal'), 1);
  });
});
