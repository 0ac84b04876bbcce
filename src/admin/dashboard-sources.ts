// Makes what the ops dashboard reads in one process: the time series of its metric registry, sampled from start to
// close, and its memory of recent events, subscribed to the event bus before any request is served.
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { EventBus } from '../observability/events.js';
import { attachRecentEvents, type RecentEventLimits, type RecentEvents } from '../observability/recent-events.js';
import { MetricTimeSeries, type Scheduler } from '../observability/time-series.js';

/** What the dashboard reads: this process's time series of its metrics, and its memory of recent events. */
export interface DashboardSources {
  /** Undefined when metrics are disabled (`metrics.enabled`): the executive and on-call views then say so. */
  readonly timeSeries: MetricTimeSeries | undefined;
  readonly recentEvents: RecentEvents;
}

export interface DashboardSourceOptions {
  /** The process's Prometheus registry, with the catalogue's metrics (README, Metrics); undefined when metrics are off. */
  readonly registry: Registry | undefined;
  readonly events: EventBus;
  readonly clock: Clock;
  /** The config's `dashboard.*` limits on the debug memory. */
  readonly limits: RecentEventLimits;
  /** Runs the sampler; a 10 s timer unless given. */
  readonly schedule?: Scheduler | undefined;
  readonly onError: (error: unknown) => void;
}

export function openDashboardSources({ registry, events, clock, limits, schedule, onError }: DashboardSourceOptions): DashboardSources {
  const timeSeries = registry && new MetricTimeSeries({ registry, clock, onError, ...(schedule && { schedule }) });
  return { timeSeries, recentEvents: attachRecentEvents(events, clock, limits) };
}
