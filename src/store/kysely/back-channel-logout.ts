// The session_clients and logout_deliveries tables: who took part in a session, and the outbox of logout tokens.
import type { LogoutDeliveryOutcome, LogoutDeliveryRecord } from '../records.js';
import type { BackChannelLogoutRepository } from '../store.js';
import type { LogoutDeliveriesTable } from './database.js';
import { prepareQuery, type Param } from './prepared-query.js';
import type { Db } from './transaction.js';

function rowToDelivery(row: LogoutDeliveriesTable): LogoutDeliveryRecord {
  return {
    sessionId: row.session_id,
    clientId: row.client_id,
    userId: row.user_id,
    backchannelLogoutUri: row.backchannel_logout_uri,
    createdAt: row.created_at,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    leaseId: row.lease_id,
    leaseUntil: row.lease_until,
    finishedAt: row.finished_at,
    outcome: row.outcome,
  };
}

/**
 * Queues a delivery for each client that took part in `sessionId` and has a `backchannel_logout_uri`. Run by every
 * store method that ends sessions, inside its transaction (Back-Channel Logout §2.5: the RPs of the session are told).
 */
export async function enqueueLogoutDeliveries(db: Db, sessionId: string, userId: string, now: number): Promise<void> {
  const participants = await db
    .selectFrom('session_clients')
    .innerJoin('clients', 'clients.client_id', 'session_clients.client_id')
    .select(['session_clients.client_id', 'clients.backchannel_logout_uri'])
    .where('session_clients.session_id', '=', sessionId)
    .where('clients.backchannel_logout_uri', 'is not', null)
    .execute();
  const rows = participants.map((participant) => deliveryRow(sessionId, participant.client_id, userId, participant.backchannel_logout_uri ?? '', now));
  if (rows.length === 0) return;
  // A session ends once; should it be ended twice, the first queued deliveries stand.
  await db.insertInto('logout_deliveries').values(rows).onConflict((conflict) => conflict.columns(['session_id', 'client_id']).doNothing()).execute();
}

/**
 * Queues a delivery to `clientId`, when it has a `backchannel_logout_uri`, for each session of `userId` in which it
 * got tokens and that has none queued yet, then forgets it as a participant of those sessions: its access was
 * removed, so ending the session later has nothing more to tell it. Run inside the transaction that removes the
 * access. Returns how many deliveries were queued.
 */
export async function enqueueClientLogoutDeliveries(db: Db, userId: string, clientId: string, now: number): Promise<number> {
  const sessions = db.selectFrom('sessions').select('sessions.session_id').where('sessions.user_id', '=', userId);
  const participants = await db
    .selectFrom('session_clients')
    .innerJoin('clients', 'clients.client_id', 'session_clients.client_id')
    .select(['session_clients.session_id', 'clients.backchannel_logout_uri'])
    .where('session_clients.client_id', '=', clientId)
    .where('session_clients.session_id', 'in', sessions)
    .execute();
  await db.deleteFrom('session_clients').where('client_id', '=', clientId).where('session_id', 'in', sessions).execute();
  const rows = participants.flatMap(({ session_id, backchannel_logout_uri }) =>
    backchannel_logout_uri === null ? [] : [deliveryRow(session_id, clientId, userId, backchannel_logout_uri, now)],
  );
  if (rows.length === 0) return 0;
  // A session already ended has its delivery queued (or done): that one stands.
  const queued = await db
    .insertInto('logout_deliveries')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['session_id', 'client_id']).doNothing())
    .returning('session_id')
    .execute();
  return queued.length;
}

function deliveryRow(sessionId: string, clientId: string, userId: string, backchannelLogoutUri: string, now: number): LogoutDeliveriesTable {
  return {
    session_id: sessionId,
    client_id: clientId,
    user_id: userId,
    backchannel_logout_uri: backchannelLogoutUri,
    created_at: now,
    attempts: 0,
    next_attempt_at: now,
    lease_id: null,
    lease_until: null,
    finished_at: null,
    outcome: null,
  };
}

const insertParticipant = prepareQuery((db, param: Param<{ sessionId: string; clientId: string; now: number }>) =>
  db
    .insertInto('session_clients')
    .values({ session_id: param('sessionId'), client_id: param('clientId'), created_at: param('now') })
    .onConflict((conflict) => conflict.columns(['session_id', 'client_id']).doNothing()),
);

export class KyselyBackChannelLogoutRepository implements BackChannelLogoutRepository {
  constructor(private readonly db: Db) {}

  async recordParticipant(sessionId: string, clientId: string, now: number): Promise<void> {
    await insertParticipant.executeWrite(this.db, { sessionId, clientId, now });
  }

  async claimDue(now: number, leaseId: string, leaseUntil: number, limit: number): Promise<readonly LogoutDeliveryRecord[]> {
    const candidates = await this.db
      .selectFrom('logout_deliveries')
      .select(['session_id', 'client_id'])
      .where('finished_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute();
    const claimed: LogoutDeliveryRecord[] = [];
    for (const candidate of candidates) {
      // The same conditions again in the update: a row another instance claimed meanwhile no longer matches.
      const row = await this.db
        .updateTable('logout_deliveries')
        .set((eb) => ({ lease_id: leaseId, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('session_id', '=', candidate.session_id)
        .where('client_id', '=', candidate.client_id)
        .where('finished_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) claimed.push(rowToDelivery(row));
    }
    return claimed;
  }

  async recordOutcome(sessionId: string, clientId: string, leaseId: string, outcome: LogoutDeliveryOutcome): Promise<boolean> {
    const next = outcome.kind === 'retry' ? { next_attempt_at: outcome.nextAttemptAt } : { finished_at: outcome.now };
    const result = await this.db
      .updateTable('logout_deliveries')
      .set({ ...next, outcome: outcome.outcome, lease_id: null, lease_until: null })
      .where('session_id', '=', sessionId)
      .where('client_id', '=', clientId)
      .where('lease_id', '=', leaseId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async listForSession(sessionId: string): Promise<readonly LogoutDeliveryRecord[]> {
    const rows = await this.db.selectFrom('logout_deliveries').selectAll().where('session_id', '=', sessionId).orderBy('client_id').execute();
    return rows.map(rowToDelivery);
  }

  async deleteFinished(before: number, limit: number): Promise<number> {
    const finished = await this.db
      .deleteFrom('logout_deliveries')
      .where((eb) =>
        eb(
          eb.refTuple('session_id', 'client_id'),
          'in',
          eb.selectFrom('logout_deliveries').select(['session_id', 'client_id']).where('finished_at', '<', before).limit(limit).$asTuple('session_id', 'client_id'),
        ),
      )
      .executeTakeFirst();
    return Number(finished.numDeletedRows);
  }
}

/**
 * Forgets which clients took part in these sessions, as the sessions themselves go: in the same transaction, so no
 * participant outlives its session (session_clients has no foreign key to sessions).
 */
export async function forgetParticipants(db: Db, sessionIds: readonly string[]): Promise<void> {
  if (sessionIds.length > 0) await db.deleteFrom('session_clients').where('session_id', 'in', sessionIds).execute();
}
