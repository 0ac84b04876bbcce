// Client lookups for the protocol endpoints: a small cache with a short TTL, so a client created or
// changed by the CLI or another instance is seen within `ttlMs`.
import type { ClientRecord } from '../store/records.js';
import { ReadThroughCache } from '../store/read-through-cache.js';
import type { ClientRepository } from '../store/store.js';

export class ClientLookup {
  private readonly cache: ReadThroughCache<ClientRecord | undefined>;

  constructor(clients: Pick<ClientRepository, 'findById'>, ttlMs: number, clockMs: () => number = Date.now) {
    this.cache = new ReadThroughCache((clientId) => clients.findById(clientId), ttlMs, clockMs);
  }

  /** The client, or undefined when no such client exists (that answer is cached too, for the same TTL). */
  find(clientId: string): Promise<ClientRecord | undefined> {
    return this.cache.get(clientId);
  }
}
