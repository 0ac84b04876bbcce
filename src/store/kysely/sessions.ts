// The sessions table: login sessions looked up by cookie hash, with idle and absolute expiry.
import type { SessionRecord, SweptSession } from '../records.js';
import type { SessionRepository, SliceSwept, SweepSlice } from '../store.js';
import type { UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Database, SessionsTable } from './database.js';
import { enqueueLogoutDeliveries, forgetParticipants } from './back-channel-logout.js';
import { withdrawDeviceApprovals } from './device-authorizations.js';
import { prepareQuery, type Param } from './prepared-query.js';
import { inSlice, sliceEnd } from './sweep-slice.js';
import { inTransaction, type Db } from './transaction.js';

function rowToSession(row: SessionsTable): SessionRecord {
  return {
    sessionHash: row.session_hash,
    sessionId: row.session_id,
    userId: row.user_id,
    authTime: row.auth_time,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    idleExpiresAt: row.idle_expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    endedAt: row.ended_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

const findLiveSession = prepareQuery((db, param: Param<{ sessionHash: string; now: number }>) =>
  db
    .selectFrom('sessions')
    .selectAll()
    .where('session_hash', '=', param('sessionHash'))
    .where('ended_at', 'is', null)
    .where('idle_expires_at', '>', param('now'))
    .where('absolute_expires_at', '>', param('now')),
);

const touchSession = prepareQuery((db, param: Param<{ sessionHash: string; now: number; idleExpiresAt: number }>) =>
  db
    .updateTable('sessions')
    .set((eb) => ({
      last_seen_at: param('now'),
      // The idle expiry never outlives the absolute one (CASE rather than LEAST/MIN, which differ per engine).
      idle_expires_at: eb
        .case()
        .when('absolute_expires_at', '<', param('idleExpiresAt'))
        .then(eb.ref('absolute_expires_at'))
        .else(param('idleExpiresAt'))
        .end(),
    }))
    .where('session_hash', '=', param('sessionHash'))
    .where('ended_at', 'is', null),
);

export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Db) {}

  async create(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        session_hash: session.sessionHash,
        session_id: session.sessionId,
        user_id: session.userId,
        auth_time: session.authTime,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        idle_expires_at: session.idleExpiresAt,
        absolute_expires_at: session.absoluteExpiresAt,
        ended_at: session.endedAt,
        ip: session.ip,
        user_agent: session.userAgent,
      })
      .execute();
  }

  async findLive(sessionHash: string, now: number): Promise<SessionRecord | undefined> {
    const row = await findLiveSession.executeTakeFirst(this.db, { sessionHash, now });
    return row && rowToSession(row);
  }

  async touch(sessionHash: string, now: number, idleExpiresAt: number): Promise<void> {
    await touchSession.executeWrite(this.db, { sessionHash, now, idleExpiresAt });
  }

  end(sessionHash: string, now: number): Promise<boolean> {
    return endWhere(this.db, now, (query) => query.where('session_hash', '=', sessionHash));
  }

  async listLiveForUser(userId: string, now: number): Promise<readonly SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .where('idle_expires_at', '>', now)
      .where('absolute_expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('session_id')
      .execute();
    return rows.map(rowToSession);
  }

  endById(userId: string, sessionId: string, now: number): Promise<boolean> {
    // Only a live session of this very user: a session id of another person ends nothing.
    return endWhere(this.db, now, (query) =>
      query.where('session_id', '=', sessionId).where('user_id', '=', userId).where('idle_expires_at', '>', now).where('absolute_expires_at', '>', now),
    );
  }

  async deleteExpired(before: number, slice: SweepSlice): Promise<SliceSwept<readonly SweptSession[]>> {
    return inTransaction(this.db, async (trx) => {
      const end = await sliceEnd(trx, 'sessions', slice);
      const rows = await trx
        .deleteFrom('sessions')
        .where(inSlice('sessions', slice, end))
        .where((eb) => eb.or([eb('ended_at', '<', before), eb('idle_expires_at', '<', before), eb('absolute_expires_at', '<', before)]))
        .returning(['session_id', 'created_at', 'ended_at', 'idle_expires_at', 'absolute_expires_at'])
        .execute();
      await forgetParticipants(trx, rows.map((row) => row.session_id));
      const removed = rows.map((row) => ({ createdAt: row.created_at, endedAt: row.ended_at, expiredAt: Math.min(row.idle_expires_at, row.absolute_expires_at) }));
      return { removed, next: end };
    });
  }
}

type SessionEnd = UpdateQueryBuilder<Database, 'sessions', 'sessions', UpdateResult>;

/**
 * Ends the one session not yet ended that `narrow` selects and, in the same transaction, deletes its unredeemed
 * authorization codes, withdraws its unredeemed device approvals and queues its back-channel logout deliveries. Returns false when none was ended.
 */
function endWhere(db: Db, now: number, narrow: (query: SessionEnd) => SessionEnd): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const ended = await narrow(trx.updateTable('sessions').set({ ended_at: now }).where('ended_at', 'is', null))
      .returning(['session_id', 'user_id'])
      .executeTakeFirst();
    if (ended === undefined) return false;
    // A code issued in the session but not yet redeemed would give its client tokens for a session already ended,
    // after the logout tokens were queued: it goes with the session. Only a code not yet expired could still be
    // redeemed; bounding by expiry lets the expiry index find those among the day of codes kept, without a scan.
    await trx
      .deleteFrom('authorization_codes')
      .where('expires_at', '>', now)
      .where('session_id', '=', ended.session_id)
      .where('consumed_at', 'is', null)
      .execute();
    // Likewise a device the person approved in this session and that has not yet redeemed (RFC 8628 §3.5).
    await withdrawDeviceApprovals(trx, { sessionId: ended.session_id }, now);
    await enqueueLogoutDeliveries(trx, ended.session_id, ended.user_id, now);
    return true;
  });
}
