// The capped `client_id` metric label: the most active registered clients keep their own label, so a flood of
// clients cannot grow the number of series without bound, and every instance labels the same clients.

/** The label of a request that named no registered client. */
export const UNKNOWN_CLIENT = 'unknown';
/** The label of every registered client beyond the cap. */
export const OTHER_CLIENTS = 'other';

/**
 * A labelled client keeps its label until it falls below this multiple of the limit in the ranking, so clients near
 * the cut do not swap labels at every ranking (a label that moves splits one client's counts over two series).
 */
export const KEEP_FACTOR = 1.5;

/**
 * The labelled set is decided by `rank` from the store's activity ranking (the same on every instance), never by the
 * requests this process happens to see: a burst of requests naming quiet clients moves no label.
 */
export class ClientLabels {
  private labelled: ReadonlySet<string> = new Set();

  constructor(readonly limit: number) {}

  /** How long a ranking `rank` needs: the clients a labelled client may fall to and keep its label. */
  get rankingLength(): number {
    return Math.ceil(this.limit * KEEP_FACTOR);
  }

  /** `ranking`: registered client ids, most active first, `rankingLength` long (shorter when fewer are registered). */
  rank(ranking: readonly string[]): void {
    const kept = new Set(ranking.slice(0, this.rankingLength));
    const labelled = new Set([...this.labelled].filter((clientId) => kept.has(clientId)));
    for (const clientId of ranking) {
      if (labelled.size >= this.limit) break;
      labelled.add(clientId);
    }
    this.labelled = labelled;
  }

  /** `clientId` must name a registered client; null or undefined when the request named none. */
  of(clientId: string | null | undefined): string {
    if (clientId === null || clientId === undefined) return UNKNOWN_CLIENT;
    return this.labelled.has(clientId) ? clientId : OTHER_CLIENTS;
  }
}
