// The users table: accounts, unique usernames, and password changes, disabling and deletion that end the user's access.
import type { AccessRevocation, UserRecord } from '../records.js';
import type { UserRepository } from '../store.js';
import type { UsersTable } from './database.js';
import { enqueueLogoutDeliveries, forgetParticipants } from './back-channel-logout.js';
import { withdrawDeviceApprovals } from './device-authorizations.js';
import { dropUserRetryResponses } from './refresh-tokens.js';
import { prepareQuery, type Param } from './prepared-query.js';
import { inTransaction, type Db } from './transaction.js';

const FIND_BATCH_SIZE = 1000;

/** Userinfo and introspection read the user of every token (see prepared-query.ts). */
const findUserById = prepareQuery((db, param: Param<{ userId: string }>) => db.selectFrom('users').selectAll().where('user_id', '=', param('userId')));

function userToRow(user: UserRecord): UsersTable {
  return {
    user_id: user.userId,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified ? 1 : 0,
    name: user.name,
    password_hash: user.passwordHash,
    disabled_at: user.disabledAt,
    admin: user.admin ? 1 : 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function rowToUser(row: UsersTable): UserRecord {
  return {
    userId: row.user_id,
    username: row.username,
    email: row.email,
    emailVerified: row.email_verified === 1,
    name: row.name,
    passwordHash: row.password_hash,
    disabledAt: row.disabled_at,
    admin: row.admin === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class KyselyUserRepository implements UserRepository {
  constructor(private readonly db: Db) {}

  async create(user: UserRecord): Promise<void> {
    await this.db.insertInto('users').values(userToRow(user)).execute();
  }

  async findById(userId: string): Promise<UserRecord | undefined> {
    const row = await findUserById.executeTakeFirst(this.db, { userId });
    return row && rowToUser(row);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && rowToUser(row);
  }

  async findByIds(userIds: readonly string[]): Promise<readonly UserRecord[]> {
    const unique = [...new Set(userIds)];
    const found: UserRecord[] = [];
    // Batches keep each statement far below the engines' bound-parameter limits (SQLite 32,766, PostgreSQL 65,535).
    for (let start = 0; start < unique.length; start += FIND_BATCH_SIZE) {
      const rows = await this.db.selectFrom('users').selectAll().where('user_id', 'in', unique.slice(start, start + FIND_BATCH_SIZE)).execute();
      found.push(...rows.map(rowToUser));
    }
    return found;
  }

  async list(): Promise<readonly UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(rowToUser);
  }

  setPasswordHash(userId: string, passwordHash: string, now: number): Promise<boolean> {
    return replacePasswordHash(this.db, userId, passwordHash, now);
  }

  async changePassword(userId: string, passwordHash: string, now: number): Promise<AccessRevocation | undefined> {
    return inTransaction(this.db, async (trx) => {
      if (!(await replacePasswordHash(trx, userId, passwordHash, now))) return undefined;
      // Unlike disabling (the code grant refuses a disabled user), a changed password leaves the user able to
      // redeem, so a code obtained with the old password must go too.
      await trx.deleteFrom('authorization_codes').where('user_id', '=', userId).where('consumed_at', 'is', null).execute();
      return endAccess(trx, userId, 'password_changed', now);
    });
  }

  async disable(userId: string, now: number): Promise<AccessRevocation | undefined> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx
        .updateTable('users')
        // Disabling twice keeps the first disabledAt but still revokes what was issued since.
        .set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(now)), updated_at: now }))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return undefined;
      return endAccess(trx, userId, 'user_disabled', now);
    });
  }

  async enable(userId: string, now: number): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ disabled_at: null, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async setAdmin(userId: string, admin: boolean, now: number): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ admin: admin ? 1 : 0, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async delete(userId: string): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const sessions = await trx.selectFrom('sessions').select('session_id').where('user_id', '=', userId).execute();
      await forgetParticipants(trx, sessions.map((session) => session.session_id));
      // Sessions, codes, consents and families (with their refresh tokens) go by ON DELETE CASCADE (migration 001).
      const result = await trx.deleteFrom('users').where('user_id', '=', userId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}

async function replacePasswordHash(db: Db, userId: string, passwordHash: string, now: number): Promise<boolean> {
  const result = await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('user_id', '=', userId).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Ends the user's live sessions, revokes their live token families (and drops their kept retry responses) and
 * withdraws the device approvals they gave that are not yet redeemed.
 */
async function endAccess(trx: Db, userId: string, reason: string, now: number): Promise<AccessRevocation> {
  const families = await trx
    .updateTable('token_families')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  await dropUserRetryResponses(trx, userId);
  // RFC 8628 §3.5: a device approved before is access_denied, not issued tokens for a session ended here.
  await withdrawDeviceApprovals(trx, { userId }, now);
  const sessions = await trx
    .updateTable('sessions')
    .set({ ended_at: now })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('idle_expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .returning('session_id')
    .execute();
  // Back-Channel Logout §2.5: the clients of every session ended here are told, as for a logout.
  for (const session of sessions) await enqueueLogoutDeliveries(trx, session.session_id, userId, now);
  return { sessionsEnded: sessions.length, familiesRevoked: Number(families.numUpdatedRows) };
}
