// A migrated SQLite database file per test process, copied for each test store: copying it costs a fraction of migrating.
import { constants, rmSync } from 'node:fs';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateStore } from '../../src/store/open.js';

let template: Promise<string> | undefined;

// Closing the only connection checkpoints the WAL into the file and removes the -wal and -shm files, so the one file
// holds the whole database; it is left in WAL mode, which a copy keeps. The file is created 0600 like every database
// file, and copyFile gives the copy the same mode.
async function migrateTemplate(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'gatehouse-template-'));
  process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
  const file = join(folder, 'gatehouse.db');
  await migrateStore({ databaseUrl: `sqlite:${file}`, dataDir: folder });
  return file;
}

/** Puts a migrated database at `file`, which must not exist yet. */
export async function copyMigratedSqlite(file: string): Promise<void> {
  template ??= migrateTemplate().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  await copyFile(await template, file, constants.COPYFILE_EXCL);
}
