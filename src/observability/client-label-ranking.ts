// Keeps the metrics' labelled clients those most active in the store: ranked at start and again on a timer.
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { ClientLabels } from './client-labels.js';
import type { Logger } from './logger.js';

/** Activity counted for the ranking: a week, so a client's daily rhythm does not move its label. */
const ACTIVITY_WINDOW_SECONDS = 7 * 86_400;
/**
 * At most this many of the newest codes and refresh tokens in the window are counted: the ranking's cost is bounded
 * however large the tables grow, and 20,000 recent events rank the clients that matter.
 */
const ACTIVITY_SAMPLE_ROWS = 20_000;
const RANKING_INTERVAL_MS = 10 * 60_000;

export class ClientLabelRanking {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly labels: ClientLabels,
    private readonly store: Pick<Store, 'clients'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Ranks once before the server answers (a failure here fails the start), then every RANKING_INTERVAL_MS. */
  async start(): Promise<void> {
    await this.rank();
    this.timer = setInterval(() => {
      this.running ??= this.rank()
        .catch((error: unknown) => this.logger.error({ err: error }, 'ranking clients for metric labels failed; the labels stay as they were'))
        .finally(() => (this.running = undefined));
    }, RANKING_INTERVAL_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private rank(): Promise<void> {
    return rankClientLabels(this.labels, this.store, this.clock());
  }
}

/** Ranks the registered clients by their activity in the store as of `now` and gives `labels` the result. */
export async function rankClientLabels(labels: ClientLabels, store: Pick<Store, 'clients'>, now: number): Promise<void> {
  if (labels.limit === 0) return;
  labels.rank(await store.clients.rankByActivity(now - ACTIVITY_WINDOW_SECONDS, labels.rankingLength, ACTIVITY_SAMPLE_ROWS));
}
