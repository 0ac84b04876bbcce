// The store as the protocol endpoints use it: every token request for an API, and every authorization request naming
// one, reads which APIs its client may use. APIs change rarely (through the CLI), so those reads are kept for the
// client cache's TTL (`limits.clientCacheTtl`): a change is seen as soon as a changed client is.
import { ReadThroughCache } from './read-through-cache.js';
import type { ApiRecord, ClientApiAccess } from './records.js';
import type { ApiRepository, Store } from './store.js';

class CachedApiReads implements ApiRepository {
  private readonly accessByClient: ReadThroughCache<readonly ClientApiAccess[]>;
  private readonly apiByIdentifier: ReadThroughCache<ApiRecord | undefined>;

  constructor(
    private readonly apis: ApiRepository,
    ttlMs: number,
    clockMs: () => number,
  ) {
    this.accessByClient = new ReadThroughCache((clientId) => apis.listForClient(clientId), ttlMs, clockMs);
    this.apiByIdentifier = new ReadThroughCache((identifier) => apis.findByIdentifier(identifier), ttlMs, clockMs);
  }

  listForClient(clientId: string): Promise<readonly ClientApiAccess[]> {
    return this.accessByClient.get(clientId);
  }

  findByIdentifier(identifier: string): Promise<ApiRecord | undefined> {
    return this.apiByIdentifier.get(identifier);
  }

  list(): Promise<readonly ApiRecord[]> {
    return this.apis.list();
  }

  create(api: ApiRecord): Promise<void> {
    return this.changed(this.apis.create(api));
  }

  update(...args: Parameters<ApiRepository['update']>): ReturnType<ApiRepository['update']> {
    return this.changed(this.apis.update(...args));
  }

  delete(identifier: string): Promise<boolean> {
    return this.changed(this.apis.delete(identifier));
  }

  allowClient(...args: Parameters<ApiRepository['allowClient']>): Promise<void> {
    return this.changed(this.apis.allowClient(...args));
  }

  disallowClient(clientId: string, identifier: string): Promise<boolean> {
    return this.changed(this.apis.disallowClient(clientId, identifier));
  }

  /** A change made through this process is seen at once by the next read here, whether it succeeded or not. */
  private async changed<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.accessByClient.clear();
      this.apiByIdentifier.clear();
    }
  }
}

/**
 * `store` with its `apis` reads cached for `ttlMs`; every other repository, and every transaction (whose reads stay
 * fresh), is the store's own.
 */
export function withCachedApiReads<S extends Store>(store: S, ttlMs: number, clockMs: () => number = Date.now): S {
  const apis = new CachedApiReads(store.apis, ttlMs, clockMs);
  return new Proxy(store, {
    get(target, property) {
      if (property === 'apis') return apis;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
