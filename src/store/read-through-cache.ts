// Reads from the store kept in memory for a short time, so a value changed by the CLI or another instance is seen
// within `ttlMs`, while the requests in between read none of it again.

/** Unknown keys can be attacker-chosen (a client id): the map is bounded so they cannot grow it without limit. */
const MAX_ENTRIES = 10_000;

export class ReadThroughCache<V> {
  private readonly entries = new Map<string, { readonly value: Promise<V>; readonly fetchedAt: number }>();

  constructor(
    private readonly read: (key: string) => Promise<V>,
    private readonly ttlMs: number,
    private readonly clockMs: () => number = Date.now,
  ) {}

  /** The value read at most `ttlMs` ago; requests arriving while it is read share that one read. A failed read is not kept. */
  get(key: string): Promise<V> {
    const now = this.clockMs();
    const cached = this.entries.get(key);
    if (cached !== undefined && now - cached.fetchedAt < this.ttlMs) return cached.value;
    const value = this.read(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entry = { value, fetchedAt: now };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Forgets every value, after a change made through this process. */
  clear(): void {
    this.entries.clear();
  }
}
