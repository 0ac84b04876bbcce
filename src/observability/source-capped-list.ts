// A bounded list, oldest first, where no one source (a client, an IP) holds more than its share: a source that sends
// a flood pushes out its own entries, not everyone else's, so a stranger cannot wipe the debug view's evidence.

export class SourceCappedList<T> {
  private entries: { readonly source: string; readonly entry: T }[] = [];

  constructor(
    readonly capacity: number,
    readonly perSource: number,
  ) {}

  /** Adds `entry`; forgets that source's oldest entry when it is at its share, else the oldest of all when full. */
  push(source: string, entry: T): void {
    const own = this.entries.filter((item) => item.source === source);
    const evicted = own.length >= this.perSource ? own[0] : this.entries.length >= this.capacity ? this.entries[0] : undefined;
    if (evicted !== undefined) this.entries = this.entries.filter((item) => item !== evicted);
    this.entries.push({ source, entry });
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.entries.map((item) => item.entry);
  }

  /** The first entry (oldest first) that `matches`, if any. */
  find(matches: (entry: T) => boolean): T | undefined {
    return this.entries.find((item) => matches(item.entry))?.entry;
  }
}
