// `gatehouse audit export`: the trail as JSON lines, oldest first, read in pages by sequence; `--follow` keeps polling.
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../store/store.js';
import { toAuditJson } from './audit-text.js';

/** Events read per query: memory stays bounded whatever the size of the trail. */
const PAGE_SIZE = 500;
/** How often `--follow` asks for events appended since the last one printed. */
export const FOLLOW_INTERVAL_MS = 500;

export interface ExportOptions {
  readonly since?: number;
  readonly follow: boolean;
  /** Ends a follow (SIGINT, SIGTERM): the page being printed is finished, then the export returns. */
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

/** Prints every event after `after` (one page at a time); returns the last sequence printed. */
async function printAfter(store: Store, after: number, since: number | undefined, out: LineWriter, stop: AbortSignal): Promise<number> {
  let cursor = after;
  for (;;) {
    const page = await store.audit.listAfter(cursor, { limit: PAGE_SIZE, ...(since === undefined ? {} : { since }) });
    for (const event of page) {
      if (!out.open) return cursor;
      await out.write(`${JSON.stringify(toAuditJson(event))}\n`);
      cursor = event.sequence;
    }
    if (page.length < PAGE_SIZE || stop.aborted) return cursor;
  }
}

/** Exports the trail to `stream`; with `follow`, keeps printing new events until `stop` or the reader goes away. */
export async function exportAuditTrail(store: Store, stream: Writable, options: ExportOptions): Promise<void> {
  const out = new LineWriter(stream);
  let cursor = await printAfter(store, 0, options.since, out, options.stop);
  while (options.follow && out.open && !options.stop.aborted) {
    await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: options.stop }).catch(() => undefined);
    if (options.stop.aborted) break;
    cursor = await printAfter(store, cursor, options.since, out, options.stop);
  }
  if (out.error !== undefined) throw out.error;
}
