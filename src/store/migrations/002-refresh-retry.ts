// Refresh-token rotation keeps who rotated first and, for the retry window only, the encrypted response it produced.
import type { Kysely, Migration } from 'kysely';

const EPOCH = 'bigint';

export const refreshRetryMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    const columns: ReadonlyArray<readonly [string, 'text' | typeof EPOCH]> = [
      ['first_use_ip', 'text'],
      ['first_use_user_agent', 'text'],
      ['retry_until', EPOCH],
      ['retry_fingerprint', 'text'],
      ['retry_response', 'text'],
    ];
    for (const [name, type] of columns) await db.schema.alterTable('refresh_tokens').addColumn(name, type).execute();
    // The sweep finds responses past their window without scanning every rotated token (it clears retry_until too).
    await db.schema.createIndex('refresh_tokens_retry_until').on('refresh_tokens').column('retry_until').execute();
  },
};
