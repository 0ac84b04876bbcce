// The interactions table: pending authorization requests, found while live and completed exactly once.
import type { AuthorizationRequestRecord, InteractionRecord, InteractionStep } from '../records.js';
import type { InteractionRepository } from '../store.js';
import type { InteractionsTable } from './database.js';
import type { Db } from './transaction.js';

function parseRequest(text: string): AuthorizationRequestRecord | null {
  const value: unknown = JSON.parse(text);
  // An account sign-in carries no authorization request.
  if (value === null) return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('stored authorization request is not a JSON object');
  }
  // Requests stored before resource indicators (or DPoP) existed asked for none (nor for a key binding).
  const request = value as Omit<AuthorizationRequestRecord, 'resources' | 'dpopJkt'> & { readonly resources?: readonly string[]; readonly dpopJkt?: string | null };
  return { ...request, resources: request.resources ?? [], dpopJkt: request.dpopJkt ?? null };
}

function rowToInteraction(row: InteractionsTable): InteractionRecord {
  return {
    interactionHash: row.interaction_hash,
    request: parseRequest(row.request),
    csrfTokenHash: row.csrf_token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    completedAt: row.completed_at,
    awaiting: row.awaiting,
    loginSessionId: row.login_session_id,
    consentSessionId: row.consent_session_id,
    flowId: row.flow_id,
  };
}

function stepToRow(step: InteractionStep): Pick<InteractionsTable, 'awaiting' | 'login_session_id' | 'consent_session_id'> {
  return { awaiting: step.awaiting, login_session_id: step.loginSessionId, consent_session_id: step.consentSessionId };
}

export class KyselyInteractionRepository implements InteractionRepository {
  constructor(private readonly db: Db) {}

  async create(interaction: InteractionRecord): Promise<void> {
    await this.db
      .insertInto('interactions')
      .values({
        interaction_hash: interaction.interactionHash,
        request: JSON.stringify(interaction.request),
        csrf_token_hash: interaction.csrfTokenHash,
        created_at: interaction.createdAt,
        expires_at: interaction.expiresAt,
        completed_at: interaction.completedAt,
        flow_id: interaction.flowId,
        ...stepToRow(interaction),
      })
      .execute();
  }

  async findLive(interactionHash: string, now: number): Promise<InteractionRecord | undefined> {
    const row = await this.db
      .selectFrom('interactions')
      .selectAll()
      .where('interaction_hash', '=', interactionHash)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && rowToInteraction(row);
  }

  async advance(interactionHash: string, step: InteractionStep, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('interactions')
      .set(stepToRow(step))
      .where('interaction_hash', '=', interactionHash)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async complete(interactionHash: string, now: number): Promise<boolean> {
    // One conditional update, never read-then-write: of concurrent callers exactly one sees a row change.
    const result = await this.db
      .updateTable('interactions')
      .set({ completed_at: now })
      .where('interaction_hash', '=', interactionHash)
      .where('completed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteExpired(before: number, limit: number): Promise<number> {
    const expired = this.db.selectFrom('interactions').select('interaction_hash').where('expires_at', '<', before).limit(limit);
    const result = await this.db.deleteFrom('interactions').where('interaction_hash', 'in', expired).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
