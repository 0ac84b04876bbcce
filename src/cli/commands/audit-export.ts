// `gatehouse audit export`: the trail as JSON lines, oldest first, read in pages by sequence; `--follow` keeps polling.
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../store/store.js';
import { toTerminalSafeJson } from '../terminal-safe.js';
import { toAuditJson } from './audit-text.js';

/** Events read per query: memory stays bounded whatever the size of the trail. */
const PAGE_SIZE = 500;
/** How often `--follow` asks for events appended since the last one printed. */
export const FOLLOW_INTERVAL_MS = 500;

export interface ExportOptions {
  /** Where to start: events with a greater sequence number are printed, whatever their time. */
  readonly after: number;
  readonly follow: boolean;
  /** Ends a follow (SIGINT, SIGTERM): the line being printed is finished, then the export returns. */
  readonly stop: AbortSignal;
}

/** Writes lines to a stream, waiting when it is full; a reader that went away (`| head`) ends the export quietly. */
class LineWriter {
  private failure: NodeJS.ErrnoException | undefined;

  constructor(private readonly stream: Writable) {
    stream.on('error', (error: NodeJS.ErrnoException) => (this.failure ??= error));
  }

  /** Whether the stream still takes lines. */
  get open(): boolean {
    return this.failure === undefined && !this.stream.destroyed;
  }

  /** The stream's failure, unless it was only the reader closing its end (EPIPE). */
  get error(): Error | undefined {
    return this.failure?.code === 'EPIPE' ? undefined : this.failure;
  }

  async write(line: string): Promise<void> {
    if (this.stream.write(line)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        for (const event of ['drain', 'error', 'close']) this.stream.off(event, done);
        resolve();
      };
      for (const event of ['drain', 'error', 'close']) this.stream.on(event, done);
    });
  }
}

/**
 * The sequence to export after so that every event from `since` on is included: the one before the first event (by
 * sequence) that occurred at or after it, or the newest when none has yet. Resolved once: instances' clocks differ,
 * so an event appended later may carry an earlier time, and following by sequence still prints it.
 */
export async function sequenceBefore(store: Store, since: number): Promise<number> {
  // The newest first: an event appended between the two reads is then found by the second, not skipped.
  const [newest] = await store.audit.list({ limit: 1 });
  const [first] = await store.audit.listAfter(0, { limit: 1, since });
  return first === undefined ? (newest?.sequence ?? 0) : first.sequence - 1;
}

/** Prints every event after `after` (one page at a time); returns the last sequence printed. */
async function printAfter(store: Store, after: number, out: LineWriter, stop: AbortSignal): Promise<number> {
  let cursor = after;
  for (;;) {
    const page = await store.audit.listAfter(cursor, { limit: PAGE_SIZE });
    for (const event of page) {
      if (!out.open || stop.aborted) return cursor;
      await out.write(`${toTerminalSafeJson(toAuditJson(event))}\n`);
      cursor = event.sequence;
    }
    if (page.length < PAGE_SIZE) return cursor;
  }
}

/** Exports the trail to `stream`; with `follow`, keeps printing new events until `stop` or the reader goes away. */
export async function exportAuditTrail(store: Store, stream: Writable, options: ExportOptions): Promise<void> {
  const out = new LineWriter(stream);
  let cursor = await printAfter(store, options.after, out, options.stop);
  while (options.follow && out.open && !options.stop.aborted) {
    await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: options.stop }).catch(() => undefined);
    if (options.stop.aborted) break;
    cursor = await printAfter(store, cursor, out, options.stop);
  }
  if (out.error !== undefined) throw out.error;
}
