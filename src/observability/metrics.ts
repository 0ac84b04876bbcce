// GatehouseMetrics: the Prometheus registry of one Gatehouse process, fed by domain events and small observers.
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { SigningAlgorithm, SweptSession } from '../store/records.js';
import { ClientLabels } from './client-labels.js';
import { clusterScrape } from './cluster-metrics.js';
import type { EventBus } from './events.js';
import { defineCatalogue, type MetricCatalogue } from './metric-catalogue.js';
import { countEvent, startAtZero } from './metric-events.js';
import { grantTypeOrOther } from '../store/records.js';

export interface MetricsOptions {
  /** `metrics.clientLabelLimit`: clients that keep their own client_id label. */
  readonly clientLabelLimit: number;
  readonly clock: Clock;
  /** A worker of `serve --workers`: a scrape answers for every worker, gathered by the primary. */
  readonly acrossWorkers?: boolean;
}

/** One answered HTTP request: the route template (undefined when no route matched), method, status and latency. */
export interface HttpObservation {
  readonly route: string | undefined;
  readonly method: string;
  readonly status: number;
  readonly seconds: number;
}

/** Methods Node's parser accepts beyond these are rare and become `other`, so the method label stays small. */
const METHOD_LABELS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/**
 * Every metric of the catalogue and prom-client's default process metrics, on a registry of its own (`registry`), so
 * several instances (tests) never share series. The observers are bound, to be handed around as callbacks.
 */
export class GatehouseMetrics {
  readonly registry = new Registry();
  private readonly catalogue: MetricCatalogue;
  /** The capped client_id label; `ClientLabelRanking` decides which clients keep their own. */
  readonly clients: ClientLabels;
  private readonly exposition: () => Promise<string>;

  constructor(private readonly options: MetricsOptions) {
    collectDefaultMetrics({ register: this.registry });
    this.exposition = options.acrossWorkers ? clusterScrape(this.registry) : () => this.registry.metrics();
    this.catalogue = defineCatalogue(this.registry);
    startAtZero(this.catalogue);
    this.clients = new ClientLabels(options.clientLabelLimit);
  }

  /** Subscribes to the event bus: flows emit events, this counts them. */
  attach(events: EventBus): void {
    const metrics = { catalogue: this.catalogue, clients: this.clients, now: this.options.clock };
    events.subscribe((event) => countEvent(metrics, event));
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.registry.contentType, body: await this.exposition() };
  }

  readonly observeHttpRequest = ({ route, method, status, seconds }: HttpObservation): void => {
    const routeLabel = route ?? 'unmatched';
    const methodLabel = METHOD_LABELS.has(method) ? method : 'other';
    this.catalogue.httpRequests.inc({ route: routeLabel, method: methodLabel, status_class: `${Math.floor(status / 100)}xx` });
    this.catalogue.httpRequestDuration.observe({ route: routeLabel }, seconds);
  };

  /** `route` is the route template, or `unmatched`: a fixed set, never the URL sent. */
  readonly observeShedRequest = (route: string): void => {
    this.catalogue.requestsShed.inc({ route });
  };

  /** `grantType` as the request named it; anything but a served grant type is `other`. */
  readonly observeTokenRequest = (grantType: unknown, seconds: number): void => {
    this.catalogue.tokenRequestDuration.observe({ grant_type: grantTypeOrOther(grantType) }, seconds);
  };

  /** `operation` is `<repository>.<method>`, e.g. `refreshTokens.rotate`: the store wrapper's names, a fixed set. */
  readonly observeStoreOperation = (operation: string, seconds: number): void => {
    this.catalogue.dbQueryDuration.observe({ operation }, seconds);
  };

  readonly observePasswordHash = (seconds: number): void => {
    this.catalogue.passwordHashDuration.observe(seconds);
  };

  readonly observeSigning = (alg: SigningAlgorithm, seconds: number): void => {
    this.catalogue.tokenSigningDuration.observe({ alg }, seconds);
  };

  readonly observeWebhookDelivery = (outcome: 'delivered' | 'failed' | 'dropped'): void => {
    this.catalogue.securityWebhookDeliveries.inc({ outcome });
  };

  /** Sessions the sweeper removed that expired without being ended: they lasted until they expired. */
  readonly observeExpiredSessions = (sessions: readonly SweptSession[]): void => {
    for (const session of sessions) this.catalogue.sessionDuration.observe({ ended_by: 'expiry' }, Math.max(0, session.expiredAt - session.createdAt));
  };
}
