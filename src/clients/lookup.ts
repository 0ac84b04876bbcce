// Client lookups for the protocol endpoints: a small cache with a short TTL, so a client created or
// changed by the CLI or another instance is seen within `ttlMs`.
import type { ClientRecord } from '../store/records.js';
import type { ClientRepository } from '../store/store.js';

const MAX_ENTRIES = 10_000;

export class ClientLookup {
  private readonly entries = new Map<string, { readonly client: ClientRecord | undefined; readonly fetchedAt: number }>();

  constructor(
    private readonly clients: Pick<ClientRepository, 'findById'>,
    private readonly ttlMs: number,
    private readonly clockMs: () => number = Date.now,
  ) {}

  /** The client, or undefined when no such client exists (that answer is cached too, for the same TTL). */
  async find(clientId: string): Promise<ClientRecord | undefined> {
    const now = this.clockMs();
    const cached = this.entries.get(clientId);
    if (cached && now - cached.fetchedAt < this.ttlMs) return cached.client;
    const client = await this.clients.findById(clientId);
    // Unknown ids are attacker-chosen: bound the map so they cannot grow it without limit.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(clientId, { client, fetchedAt: now });
    return client;
  }

  /** Drops a client after a change made through this process. */
  invalidate(clientId: string): void {
    this.entries.delete(clientId);
  }
}
