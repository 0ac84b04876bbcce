// The users table: accounts, unique usernames, password changes and disabling with revocation.
import type { UserRecord } from '../records.js';
import type { UserRepository } from '../store.js';
import type { UsersTable } from './database.js';
import { inTransaction, type Db } from './transaction.js';

function userToRow(user: UserRecord): UsersTable {
  return {
    user_id: user.userId,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified ? 1 : 0,
    name: user.name,
    password_hash: user.passwordHash,
    disabled_at: user.disabledAt,
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
    const row = await this.db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row && rowToUser(row);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row && rowToUser(row);
  }

  async list(): Promise<readonly UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map(rowToUser);
  }

  async setPasswordHash(userId: string, passwordHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async disable(userId: string, now: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const result = await trx
        .updateTable('users')
        // Disabling twice keeps the first disabledAt but still revokes what was issued since.
        .set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(now)), updated_at: now }))
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: 'user_disabled' })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      await trx.updateTable('sessions').set({ ended_at: now }).where('user_id', '=', userId).where('ended_at', 'is', null).execute();
      return true;
    });
  }
}
