// The pushed_authorization_requests table (RFC 9126): requests pushed to /par, used once at /authorize by their client.
import type { ConsumeResult, PushedAuthorizationRequestRecord } from '../records.js';
import type { PushedAuthorizationRequestRepository } from '../store.js';
import type { PushedAuthorizationRequestsTable } from './database.js';
import type { Db } from './transaction.js';

const isStringOrList = (value: unknown): value is string | string[] =>
  typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));

function parseParameters(text: string): PushedAuthorizationRequestRecord['parameters'] {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every(isStringOrList)) {
    throw new TypeError('stored pushed authorization request parameters are not a JSON object of strings and string lists');
  }
  return value as PushedAuthorizationRequestRecord['parameters'];
}

function rowToPushedRequest(row: PushedAuthorizationRequestsTable): PushedAuthorizationRequestRecord {
  return {
    requestHash: row.request_hash,
    clientId: row.client_id,
    parameters: parseParameters(row.parameters),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}

export class KyselyPushedAuthorizationRequestRepository implements PushedAuthorizationRequestRepository {
  constructor(private readonly db: Db) {}

  async create(request: PushedAuthorizationRequestRecord): Promise<void> {
    await this.db
      .insertInto('pushed_authorization_requests')
      .values({
        request_hash: request.requestHash,
        client_id: request.clientId,
        parameters: JSON.stringify(request.parameters),
        created_at: request.createdAt,
        expires_at: request.expiresAt,
        consumed_at: request.consumedAt,
      })
      .execute();
  }

  async consume(requestHash: string, clientId: string, now: number): Promise<ConsumeResult<PushedAuthorizationRequestRecord>> {
    // RFC 9126 §4: single use, by the client that pushed it; the check and the mark are one statement.
    const used = await this.db
      .updateTable('pushed_authorization_requests')
      .set({ consumed_at: now })
      .where('request_hash', '=', requestHash)
      .where('client_id', '=', clientId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (used) return { outcome: 'redeemed', record: rowToPushedRequest(used) };

    const row = await this.db
      .selectFrom('pushed_authorization_requests')
      .selectAll()
      .where('request_hash', '=', requestHash)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return { outcome: 'unknown' };
    const record = rowToPushedRequest(row);
    return { outcome: record.consumedAt === null ? 'expired' : 'replayed', record };
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    // One batch in one statement on both engines: SQLite has no DELETE ... LIMIT, so the keys come from a subquery.
    const expired = this.db.selectFrom('pushed_authorization_requests').select('request_hash').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('pushed_authorization_requests').where('request_hash', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
