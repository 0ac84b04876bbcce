// With `serve --workers`, a scrape reaching any worker answers for all of them: the worker asks its primary, which
// gathers every worker's registry over the cluster channel (prom-client's AggregatorRegistry) and sums their series.
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const SCRAPE_REQUEST = 'gatehouse:scrape';
const SCRAPE_ANSWER = 'gatehouse:scraped';

interface ScrapeMessage {
  readonly type: string;
  readonly id: string;
  readonly body?: string;
  readonly error?: string;
}

function isScrapeMessage(message: unknown, type: string): message is ScrapeMessage {
  return typeof message === 'object' && message !== null && (message as ScrapeMessage).type === type && typeof (message as ScrapeMessage).id === 'string';
}

/** In the primary: answers every worker's scrape with the metrics of all workers. Returns how to stop answering. */
export function answerClusterScrapes(): () => void {
  const aggregator = new AggregatorRegistry();
  const onMessage = (worker: Worker, message: unknown) => {
    if (!isScrapeMessage(message, SCRAPE_REQUEST)) return;
    const answer = (fields: Pick<ScrapeMessage, 'body' | 'error'>) => worker.isConnected() && worker.send({ type: SCRAPE_ANSWER, id: message.id, ...fields });
    aggregator.clusterMetrics().then(
      (body) => answer({ body }),
      (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
    );
  };
  cluster.on('message', onMessage);
  return () => cluster.off('message', onMessage);
}

/** In a worker: lends `registry` to the primary's gathering, and returns a scrape that asks the primary for every worker's metrics. */
export function clusterScrape(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is how prom-client starts answering the primary's requests for this worker's registry.
  new AggregatorRegistry();
  const pending = new Map<string, (answer: ScrapeMessage) => void>();
  process.on('message', (message: unknown) => {
    if (isScrapeMessage(message, SCRAPE_ANSWER)) pending.get(message.id)?.(message);
  });
  // No timeout of its own: the primary answers within prom-client's 5 s, and a worker whose primary is gone exits.
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      pending.set(id, (answer) => {
        pending.delete(id);
        if (answer.body !== undefined) resolve(answer.body);
        else reject(new Error(`gathering the workers' metrics failed: ${answer.error ?? 'no answer'}`));
      });
      process.send?.({ type: SCRAPE_REQUEST, id });
    });
}
