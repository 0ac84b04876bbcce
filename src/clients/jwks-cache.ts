// Per-client cache of fetched JWK Sets: reused for `clientAssertions.jwksCacheTtl`, refetched early for an unknown
// key at most once a minute, and one request per URI however many authentications wait for it.
import type { Clock } from '../clock.js';
import type { ClientRecord, JsonWebKeySet } from '../store/records.js';

/** An unknown `kid` may mean the client rotated its keys; refetching sooner than this would let requests drive fetches. */
export const UNKNOWN_KEY_REFETCH_INTERVAL = 60;
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly uri: string;
  readonly keys: JsonWebKeySet;
  readonly fetchedAt: number;
}

export type JwksFetcher = (uri: string) => Promise<JsonWebKeySet>;
type KeyedClient = Pick<ClientRecord, 'clientId'> & { readonly jwksUri: string };

export class ClientJwksCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<JsonWebKeySet>>();
  /** When each client last forced a refetch, successful or not. */
  private readonly refetchedAt = new Map<string, number>();

  constructor(
    private readonly fetcher: JwksFetcher,
    private readonly ttl: number,
    private readonly clock: Clock,
  ) {}

  /** The client's keys: cached while fresh and fetched from the same URI (a changed jwks_uri is fetched anew). */
  async keysOf(client: KeyedClient): Promise<JsonWebKeySet> {
    const entry = this.entries.get(client.clientId);
    if (entry !== undefined && entry.uri === client.jwksUri && this.clock() - entry.fetchedAt < this.ttl) return entry.keys;
    return this.fetch(client);
  }

  /**
   * Fetches the keys again because an assertion named a key the cached set lacks (the client may have just rotated);
   * undefined when this client did so less than a minute ago, so made-up `kid`s cannot drive fetches.
   */
  async refetchForUnknownKey(client: KeyedClient): Promise<JsonWebKeySet | undefined> {
    const now = this.clock();
    const last = this.refetchedAt.get(client.clientId);
    if (last !== undefined && now - last < UNKNOWN_KEY_REFETCH_INTERVAL) return undefined;
    this.refetchedAt.set(client.clientId, now);
    return this.fetch(client);
  }

  private async fetch(client: KeyedClient): Promise<JsonWebKeySet> {
    const uri = client.jwksUri;
    let pending = this.inFlight.get(uri);
    if (pending === undefined) {
      pending = this.fetcher(uri).finally(() => this.inFlight.delete(uri));
      this.inFlight.set(uri, pending);
    }
    const keys = await pending;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    if (this.refetchedAt.size >= MAX_ENTRIES) this.refetchedAt.clear();
    this.entries.set(client.clientId, { uri, keys, fetchedAt: this.clock() });
    return keys;
  }
}
