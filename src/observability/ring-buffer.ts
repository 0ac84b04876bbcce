// A fixed-capacity buffer that forgets its oldest entry when full: the dashboard's memory stays bounded however busy.

export class RingBuffer<T> {
  private readonly entries: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  push(entry: T): void {
    if (this.entries.length < this.capacity) this.entries.push(entry);
    else this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first. */
  toArray(): T[] {
    if (this.entries.length < this.capacity) return [...this.entries];
    return [...this.entries.slice(this.next), ...this.entries.slice(0, this.next)];
  }

  /** The newest entry, or undefined when empty. */
  last(): T | undefined {
    return this.entries.length === 0 ? undefined : this.entries[(this.next - 1 + this.capacity) % this.capacity];
  }
}
