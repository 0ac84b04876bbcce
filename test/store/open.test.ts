// Opening the store: engine selection from the URL, schema selection, and clean one-line errors when it cannot open.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { openStore } from '../../src/store/open.js';
import { parsePostgresUrl } from '../../src/store/postgres.js';
import { resolveSqliteFile } from '../../src/store/sqlite.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { aClient } from './fixtures.js';

function unavailable(pattern: RegExp, forbidden?: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof StoreUnavailableError, `expected StoreUnavailableError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.doesNotMatch(error.message, /\n/, 'one line');
    if (forbidden !== undefined) assert.ok(!error.message.includes(forbidden), `message leaks ${forbidden}`);
    return true;
  };
}

describe('database URLs', () => {
  it('puts SQLite at <dataDir>/gatehouse.db when no URL is set', () => {
    assert.equal(resolveSqliteFile(undefined, 'data'), resolve('data', 'gatehouse.db'));
    assert.equal(resolveSqliteFile('', '/srv/gatehouse'), '/srv/gatehouse/gatehouse.db');
  });

  it('reads sqlite:<path>, sqlite:///<absolute path> and sqlite::memory:', () => {
    assert.equal(resolveSqliteFile('sqlite:db/x.db', '/ignored'), resolve('db/x.db'));
    assert.equal(resolveSqliteFile('sqlite:/var/lib/g.db', '/ignored'), '/var/lib/g.db');
    assert.equal(resolveSqliteFile('sqlite:///var/lib/g.db', '/ignored'), '/var/lib/g.db');
    assert.equal(resolveSqliteFile('sqlite::memory:', '/ignored'), ':memory:');
    assert.throws(() => resolveSqliteFile('sqlite:', '/ignored'), StoreUnavailableError);
  });

  it('selects the PostgreSQL schema with ?schema=, through search_path, and names host:port without the password', () => {
    const target = parsePostgresUrl('postgres://app:s3cret@db.internal:6543/gatehouse?schema=tenant_a&sslmode=disable');
    assert.equal(target.schema, 'tenant_a');
    assert.equal(target.address, 'db.internal:6543');
    const url = new URL(target.connectionString);
    assert.equal(url.searchParams.get('schema'), null);
    assert.equal(url.searchParams.get('options'), '-c search_path=tenant_a');
    assert.equal(url.searchParams.get('sslmode'), 'disable');
    assert.equal(url.password, 's3cret');
  });

  it('defaults to the public schema and port 5432, keeps existing options, and lets an explicit schema win', () => {
    const plain = parsePostgresUrl('postgresql://app@db/gatehouse');
    assert.deepEqual([plain.schema, plain.address], ['public', 'db:5432']);
    const withOptions = parsePostgresUrl('postgres://app@db/g?options=-c%20statement_timeout%3D5000&schema=a', 'b');
    assert.equal(withOptions.schema, 'b');
    assert.equal(new URL(withOptions.connectionString).searchParams.get('options'), '-c statement_timeout=5000 -c search_path=b');
  });

  it('refuses a schema name that is not a plain lower-case identifier', () => {
    for (const schema of ['Tenant', 'a;drop', 'a b', '1abc', 'x'.repeat(64)]) {
      assert.throws(() => parsePostgresUrl(`postgres://db/g?schema=${encodeURIComponent(schema)}`), unavailable(/schema name/), schema);
    }
  });

  it('refuses an unknown scheme, naming only the scheme', async () => {
    await assert.rejects(openStore({ databaseUrl: 'mysql://root:hunter2@db/g', dataDir: tmpdir() }), unavailable(/unsupported database URL scheme mysql:/, 'hunter2'));
  });
});

describe('opening PostgreSQL that cannot be reached', () => {
  it('fails with StoreUnavailableError naming host:port and the error code', async () => {
    await assert.rejects(
      openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/x', dataDir: tmpdir() }),
      unavailable(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED$/),
    );
  });

  it('never shows the password', async () => {
    await assert.rejects(
      openStore({ databaseUrl: 'postgresql://admin:Sup3r-S3cret@127.0.0.1:1/x?schema=s', dataDir: tmpdir() }),
      unavailable(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: ECONNREFUSED$/, 'Sup3r-S3cret'),
    );
  });
});

describe('opening SQLite', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'gatehouse-open-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('creates the missing parent folders of the database file', async () => {
    const dataDir = join(folder, 'deep', 'er', 'data');
    const store = await openStore({ dataDir });
    await store.clients.create(aClient());
    await store.close();
    assert.ok((await stat(join(dataDir, 'gatehouse.db'))).isFile());
  });

  it('leaves the file in WAL mode', async () => {
    const dataDir = join(folder, 'pragmas');
    await (await openStore({ dataDir })).close();
    const database = new BetterSqlite3(join(dataDir, 'gatehouse.db'));
    assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
    database.close();
  });

  it('switches a file to WAL while another thread holds its write lock, retrying until the lock is let go', async () => {
    // A RESERVED lock makes `journal_mode = WAL` fail at once with SQLITE_BUSY, without SQLite's busy handler:
    // instances starting together on a fresh file meet exactly this.
    const dataDir = join(folder, 'wal-while-locked');
    await mkdir(dataDir);
    const holder = new Worker(`
      const Database = require(${JSON.stringify(fileURLToPath(import.meta.resolve('better-sqlite3')))});
      const { parentPort, workerData } = require('node:worker_threads');
      const database = new Database(workerData);
      database.exec("create table held_write (value text); begin immediate; insert into held_write values ('held')");
      parentPort.postMessage('locked');
      setTimeout(() => { database.exec('commit'); database.close(); }, 300);
    `, { eval: true, workerData: join(dataDir, 'gatehouse.db') });
    await once(holder, 'message');
    try {
      await (await openStore({ dataDir })).close();
    } finally {
      await once(holder, 'exit');
    }
    const database = new BetterSqlite3(join(dataDir, 'gatehouse.db'));
    assert.equal(database.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(database.prepare('select value from held_write').get(), { value: 'held' });
    database.close();
  });

  it('opens an in-memory database for tests', async () => {
    const store = await openStore({ databaseUrl: 'sqlite::memory:', dataDir: folder });
    const client = aClient();
    await store.clients.create(client);
    assert.deepEqual(await store.clients.findById(client.clientId), client);
    await store.close();
  });

  it('fails with a one-line StoreUnavailableError when the path is a directory', async () => {
    const directory = join(folder, 'a-directory.db');
    await mkdir(directory);
    await assert.rejects(openStore({ databaseUrl: `sqlite:${directory}`, dataDir: folder }), unavailable(new RegExp(`^cannot use SQLite database ${directory}: it is a directory$`)));
  });

  it('fails with StoreUnavailableError when the parent folder cannot be created', async () => {
    const file = join(folder, 'not-a-folder');
    await (await openStore({ databaseUrl: `sqlite:${file}`, dataDir: folder })).close();
    await assert.rejects(openStore({ databaseUrl: `sqlite:${join(file, 'inside.db')}`, dataDir: folder }), unavailable(/cannot create the folder for SQLite database .*inside\.db: ENOTDIR/));
  });

  it('fails with StoreUnavailableError when the file is not a database', async () => {
    const file = join(folder, 'text.db');
    await writeFile(file, 'this is not a database, it is a text file that is long enough to have a header page'.repeat(10));
    await assert.rejects(openStore({ databaseUrl: `sqlite:${file}`, dataDir: folder }), unavailable(/^cannot use SQLite database .*text\.db: .*SQLITE_NOTADB/));
  });

  it('fails with StoreUnavailableError naming the file while another connection holds it exclusively, and loses nothing', async () => {
    const dataDir = join(folder, 'locked');
    const file = join(dataDir, 'gatehouse.db');
    const existing = aClient();
    const first = await openStore({ dataDir });
    await first.clients.create(existing);
    await first.close();

    const holder = new BetterSqlite3(file);
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('begin exclusive');
    holder.exec(`create table held_write (value text); insert into held_write values ('held')`);
    try {
      await assert.rejects(openStore({ dataDir }), unavailable(new RegExp(`^SQLite database ${file} is locked by another connection \\(SQLITE_BUSY\\)$`)));
    } finally {
      holder.exec('commit');
      holder.close();
    }

    const reopened = await openStore({ dataDir });
    assert.deepEqual(await reopened.clients.findById(existing.clientId), existing);
    await reopened.close();
    const check = new BetterSqlite3(file);
    assert.deepEqual(check.prepare('select value from held_write').get(), { value: 'held' });
    check.close();
  });
});
