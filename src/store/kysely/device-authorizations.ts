// The device_authorizations table: device authorizations decided once by the person and redeemed once by the device.
import type { DeviceApproval, DeviceAuthorizationRecord, DevicePoll } from '../records.js';
import type { DeviceAuthorizationRepository } from '../store.js';
import type { DeviceAuthorizationsTable } from './database.js';
import { parseStringList } from './json-columns.js';
import { inTransaction, type Db } from './transaction.js';

/** Whose approvals to withdraw: those given in one session, or by one user (to one client, when named). */
export type ApprovalOwner = { readonly sessionId: string } | { readonly userId: string; readonly clientId?: string };

/**
 * Withdraws the approvals `owner` gave that the device has not yet redeemed: its next poll is access_denied
 * (RFC 8628 §3.5). Returns how many were withdrawn.
 */
export async function withdrawDeviceApprovals(db: Db, owner: ApprovalOwner, now: number): Promise<number> {
  let query = db.updateTable('device_authorizations').set({ status: 'denied', decided_at: now }).where('status', '=', 'approved');
  if ('sessionId' in owner) query = query.where('session_id', '=', owner.sessionId);
  else {
    query = query.where('user_id', '=', owner.userId);
    if (owner.clientId !== undefined) query = query.where('client_id', '=', owner.clientId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

function approvalOf(row: DeviceAuthorizationsTable): DeviceApproval | null {
  const { user_id: userId, session_id: sessionId, auth_time: authTime, api_scope: apiScope } = row;
  if (userId === null || sessionId === null || authTime === null || apiScope === null) return null;
  return { userId, sessionId, authTime, apiScope };
}

function rowToRecord(row: DeviceAuthorizationsTable): DeviceAuthorizationRecord {
  return {
    deviceCodeHash: row.device_code_hash,
    userCodeHash: row.user_code_hash,
    clientId: row.client_id,
    scope: row.scope,
    resources: parseStringList(row.resources),
    status: row.status,
    interval: row.interval,
    lastPolledAt: row.last_polled_at,
    approval: approvalOf(row),
    flowId: row.flow_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export class KyselyDeviceAuthorizationRepository implements DeviceAuthorizationRepository {
  constructor(private readonly db: Db) {}

  async create(authorization: DeviceAuthorizationRecord): Promise<void> {
    const { approval } = authorization;
    await this.db
      .insertInto('device_authorizations')
      .values({
        device_code_hash: authorization.deviceCodeHash,
        user_code_hash: authorization.userCodeHash,
        client_id: authorization.clientId,
        scope: authorization.scope,
        resources: JSON.stringify(authorization.resources),
        status: authorization.status,
        interval: authorization.interval,
        last_polled_at: authorization.lastPolledAt,
        user_id: approval?.userId ?? null,
        session_id: approval?.sessionId ?? null,
        auth_time: approval?.authTime ?? null,
        api_scope: approval?.apiScope ?? null,
        flow_id: authorization.flowId,
        created_at: authorization.createdAt,
        expires_at: authorization.expiresAt,
        decided_at: null,
      })
      .execute();
  }

  async findByDeviceCode(deviceCodeHash: string): Promise<DeviceAuthorizationRecord | undefined> {
    const row = await this.db.selectFrom('device_authorizations').selectAll().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
    return row && rowToRecord(row);
  }

  async findPendingByUserCode(userCodeHash: string, now: number): Promise<DeviceAuthorizationRecord | undefined> {
    const row = await this.db
      .selectFrom('device_authorizations')
      .selectAll()
      .where('user_code_hash', '=', userCodeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && rowToRecord(row);
  }

  async approve(deviceCodeHash: string, approval: DeviceApproval, now: number): Promise<boolean> {
    const { userId, sessionId, authTime, apiScope } = approval;
    return this.decide(deviceCodeHash, { status: 'approved', user_id: userId, session_id: sessionId, auth_time: authTime, api_scope: apiScope }, now);
  }

  deny(deviceCodeHash: string, now: number): Promise<boolean> {
    return this.decide(deviceCodeHash, { status: 'denied' }, now);
  }

  recordPoll(deviceCodeHash: string, now: number, slowDownSeconds: number): Promise<DevicePoll | undefined> {
    return inTransaction(this.db, async (trx) => {
      const pending = trx.updateTable('device_authorizations').where('device_code_hash', '=', deviceCodeHash).where('status', '=', 'pending');
      // RFC 8628 §3.5: on time and recorded in one statement, so concurrent polls cannot all be on time.
      const onTime = await pending
        .set({ last_polled_at: now })
        .where((eb) => eb.or([eb('last_polled_at', 'is', null), eb(eb('last_polled_at', '+', eb.ref('interval')), '<=', now)]))
        .returning('interval')
        .executeTakeFirst();
      if (onTime !== undefined) return { onTime: true, interval: onTime.interval };
      const slowed = await pending
        .set((eb) => ({ last_polled_at: now, interval: eb('interval', '+', slowDownSeconds) }))
        .returning('interval')
        .executeTakeFirst();
      return slowed && { onTime: false, interval: slowed.interval };
    });
  }

  async redeem(deviceCodeHash: string, clientId: string, now: number): Promise<DeviceAuthorizationRecord | undefined> {
    // RFC 8628 §3.5: tokens once; the check and the mark are one statement so concurrent polls cannot both win.
    const row = await this.db
      .updateTable('device_authorizations')
      .set({ status: 'redeemed', last_polled_at: now })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('client_id', '=', clientId)
      .where('status', '=', 'approved')
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    return row && rowToRecord(row);
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    const expired = this.db.selectFrom('device_authorizations').select('device_code_hash').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('device_authorizations').where('device_code_hash', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** One conditional update: only a pending, live authorization is decided, and only once. */
  private async decide(deviceCodeHash: string, changes: Partial<DeviceAuthorizationsTable>, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('device_authorizations')
      .set({ ...changes, decided_at: now })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
