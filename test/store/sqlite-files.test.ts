// SECURITY.md (storage and limits): the data folder is created 0700 and the SQLite files are 0600, whatever the umask.
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { aClient } from './fixtures.js';

const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

describe('SQLite file modes', { skip: process.platform === 'win32' ? 'POSIX modes only' : false }, () => {
  let folder: string;
  let previousUmask: number;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-modes-'));
    // The most permissive umask: every mode below is Gatehouse's own doing.
    previousUmask = process.umask(0);
  });
  after(async () => {
    process.umask(previousUmask);
    await rm(folder, { recursive: true, force: true });
  });

  it('creates the data folder 0700 and the database, WAL and SHM files 0600', async () => {
    const dataDir = join(folder, 'fresh', 'data');
    const store = await openStore({ dataDir });
    try {
      await store.clients.create(aClient());
      assert.equal(await modeOf(join(folder, 'fresh')), 0o700);
      assert.equal(await modeOf(dataDir), 0o700);
      for (const name of ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']) {
        assert.equal(await modeOf(join(dataDir, name)), 0o600, name);
      }
    } finally {
      await store.close();
    }
  });

  it('takes group and other access off existing database files, and leaves an existing folder as it is', async () => {
    const dataDir = join(folder, 'existing');
    await mkdir(dataDir, { mode: 0o755 });
    const file = join(dataDir, 'gatehouse.db');
    // As an earlier release left them: a database with its WAL and SHM files open, readable by everyone.
    const earlier = new BetterSqlite3(file);
    earlier.pragma('journal_mode = WAL');
    earlier.exec('create table earlier (id integer)');
    for (const name of ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']) await chmod(join(dataDir, name), 0o644);
    try {
      const store = await openStore({ dataDir });
      await store.close();
      for (const name of ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']) {
        assert.equal(await modeOf(join(dataDir, name)), 0o600, name);
      }
      assert.equal(await modeOf(dataDir), 0o755, 'a folder it did not create may be shared (e.g. /var/lib)');
    } finally {
      earlier.close();
    }
  });

  it('leaves the mode of a database another user owns, rather than failing to change it', { skip: process.getuid?.() === 0 ? false : 'needs root to hand the file to another user' }, async () => {
    const dataDir = join(folder, 'someone-else');
    await mkdir(dataDir);
    const file = join(dataDir, 'gatehouse.db');
    new BetterSqlite3(file).close();
    await chmod(file, 0o666);
    await chown(file, 65534, 65534);
    const store = await openStore({ dataDir });
    await store.close();
    assert.equal(await modeOf(file), 0o666);
  });
});
