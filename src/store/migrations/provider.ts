// The ordered list of schema migrations, and running the pending ones with Kysely's migrator.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from '../kysely/database.js';
import { initialMigration } from './001-initial.js';
import { refreshRetryMigration } from './002-refresh-retry.js';
import { loginThrottleMigration } from './003-login-throttle.js';
import { interactionsMigration } from './004-interactions.js';
import { signingKeysPerAlgorithmMigration } from './005-signing-keys-per-algorithm.js';
import { interactionStepsMigration } from './006-interaction-steps.js';
import { auditPrunedHeadMigration } from './007-audit-pruned-head.js';
import { apisMigration } from './008-apis.js';
import { revokedAccessTokensMigration } from './009-revoked-access-tokens.js';
import { clientAssertionsMigration } from './010-client-assertions.js';
import { logoutMigration } from './011-logout.js';
import { deviceAuthorizationMigration } from './012-device-authorization.js';
import { pushedAuthorizationRequestsMigration } from './013-pushed-authorization-requests.js';
import { dpopMigration } from './014-dpop.js';
import { accountMigration } from './015-account.js';
import { flowIdsMigration } from './016-flow-ids.js';
import { adminRoleMigration } from './017-admin-role.js';
import { familyContextMigration } from './018-family-context.js';
import { auditLookupsMigration } from './019-audit-lookups.js';
import { auditHeadSealMigration } from './020-audit-head-seal.js';
import { logoutLookupsMigration } from './021-logout-lookups.js';

/** Every migration by name; names sort in the order they apply and never change once released. */
const migrations: Readonly<Record<string, Migration>> = {
  '001-initial': initialMigration,
  '002-refresh-retry': refreshRetryMigration,
  '003-login-throttle': loginThrottleMigration,
  '004-interactions': interactionsMigration,
  '005-signing-keys-per-algorithm': signingKeysPerAlgorithmMigration,
  '006-interaction-steps': interactionStepsMigration,
  '007-audit-pruned-head': auditPrunedHeadMigration,
  '008-apis': apisMigration,
  '009-revoked-access-tokens': revokedAccessTokensMigration,
  '010-client-assertions': clientAssertionsMigration,
  '011-logout': logoutMigration,
  '012-device-authorization': deviceAuthorizationMigration,
  '013-pushed-authorization-requests': pushedAuthorizationRequestsMigration,
  '014-dpop': dpopMigration,
  '015-account': accountMigration,
  '016-flow-ids': flowIdsMigration,
  '017-admin-role': adminRoleMigration,
  '018-family-context': familyContextMigration,
  '019-audit-lookups': auditLookupsMigration,
  '020-audit-head-seal': auditHeadSealMigration,
  '021-logout-lookups': logoutLookupsMigration,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};

/**
 * Applies every pending migration and returns their names (empty when up to date).
 * `schema` pins the migration bookkeeping tables to one PostgreSQL schema: without it Kysely
 * would take a kysely_migration table in any other schema for ours.
 */
export async function migrateToLatest(db: Kysely<Database>, schema?: string): Promise<readonly string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
  // Checking first keeps an up-to-date open read-only: on SQLite, migrating takes the write lock even with nothing to do.
  const pending = (await migrator.getMigrations()).filter((migration) => migration.executedAt === undefined);
  if (pending.length === 0) return [];
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
