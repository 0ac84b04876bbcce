// `gatehouse db stats`: rows and on-disk size per table, for capacity planning; reads only, needs no secret.
import type { Command } from 'commander';
import { loadDatabaseConfig, storeOptionsOf } from '../../config/load.js';
import type { DatabaseStats } from '../../store/stats.js';
import { withCommonOptions, type CommonOptions } from '../context.js';
import { printResult } from '../output.js';
import { formatTable } from '../table.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes as people read them: 4096 -> "4.0 KiB". */
function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function describeStats(stats: DatabaseStats): string[] {
  const rows = stats.tables.map(({ table, rows, bytes }) => [table, String(rows), formatBytes(bytes)]);
  const lines = [`${stats.engine} ${stats.location}`, ...formatTable(['table', 'rows', 'size'], [...rows, ['total', String(stats.totals.rows), formatBytes(stats.totals.bytes)]])];
  const { files } = stats;
  if (files !== undefined) {
    lines.push(`files: database ${formatBytes(files.database)}, -wal ${formatBytes(files.wal)}, -shm ${formatBytes(files.shm)}, together ${formatBytes(files.database + files.wal + files.shm)}`);
  }
  return lines;
}

export function registerDatabaseCommands(program: Command): void {
  const db = program.command('db').description('look at the database');
  withCommonOptions(db.command('stats').description('print the rows and on-disk size of each table, with totals (and the SQLite file sizes)')).action(
    async (options: CommonOptions) => {
      // Only the database settings, as for `migrate`: no issuer or secret is needed to read sizes.
      const config = loadDatabaseConfig({ configPath: options.config, env: process.env });
      const { readDatabaseStats } = await import('../../store/stats.js');
      const stats = await readDatabaseStats(storeOptionsOf(config));
      printResult(options, describeStats(stats), stats);
    },
  );
}
