// The capped `client_id` metric label: a bounded set of clients keep their own label, so a flood of clients cannot
// grow the number of series without bound.

/** The label of a request that named no registered client. */
export const UNKNOWN_CLIENT = 'unknown';
/** The label of every registered client beyond the cap. */
export const OTHER_CLIENTS = 'other';

/**
 * The first `limit` registered clients active in this process keep their client_id as label for the life of the
 * process (a label that moved later would split one client's counts over two series); every later one is `other`.
 */
export class ClientLabels {
  private readonly labelled = new Set<string>();

  constructor(private readonly limit: number) {}

  /** `clientId` must name a registered client; null or undefined when the request named none. */
  of(clientId: string | null | undefined): string {
    if (clientId === null || clientId === undefined) return UNKNOWN_CLIENT;
    if (this.labelled.has(clientId)) return clientId;
    if (this.labelled.size >= this.limit) return OTHER_CLIENTS;
    this.labelled.add(clientId);
    return clientId;
  }
}
