// Each engine's driver is loaded only by a store on that engine: a process on SQLite never loads pg.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { modulesLoadedBy, projectModule } from '../support/loaded-modules.js';

const PG_DRIVER = /\/node_modules\/pg\//;
const STORE_CLOSED = 'marker:store-closed';

it('a store on SQLite never loads the PostgreSQL driver', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-engine-modules-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const loaded = await modulesLoadedBy(
    `const { openStore } = await import(${JSON.stringify(projectModule('src/store/open.js'))});\n` +
      `await (await openStore({ dataDir: ${JSON.stringify(dataDir)} })).close();\n` +
      `process.stderr.write('loaded ${STORE_CLOSED}\\n');\n` +
      `await import(${JSON.stringify(projectModule('src/store/postgres.js'))});`,
  );
  const closed = loaded.indexOf(STORE_CLOSED);
  assert.ok(closed > 0, 'the store was opened and closed');
  assert.deepEqual(loaded.slice(0, closed).filter((url) => PG_DRIVER.test(url)), []);
  assert.ok(loaded.slice(closed).some((url) => PG_DRIVER.test(url)), 'loading the PostgreSQL engine loads pg: the check can see it');
});
