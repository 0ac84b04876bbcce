// The ops dashboard's in-process time series: the registry read every 10 s into a ring covering the last hour, and
// every 5 min into one covering the last day. Per instance: each process sees only the requests it served.
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import { readSnapshot, type MetricSnapshot } from './metric-snapshot.js';
import { RingBuffer } from './ring-buffer.js';

export type SeriesRange = 'hour' | 'day';

/** How much each range covers and how far apart its samples are, in seconds. */
export const SERIES_RANGES: Readonly<Record<SeriesRange, { readonly span: number; readonly step: number }>> = {
  hour: { span: 3600, step: 10 },
  day: { span: 86_400, step: 300 },
};

/**
 * Whether samples spanning `covered` seconds are the whole range rather than a process younger than it. Once the ring
 * is full its oldest sample in range lies within one step of the range's start (5 min for the day), and a day sample
 * can be taken up to one tick late, so the whole range is anything within a step and a tick of its span.
 */
export function coversRange(range: SeriesRange, covered: number): boolean {
  const { span, step } = SERIES_RANGES[range];
  return covered > span - step - SERIES_RANGES.hour.step;
}

/** Starts calling `tick` every `intervalMs` and returns how to stop; tests pass one that never fires and call `sample()`. */
export type Scheduler = (tick: () => void, intervalMs: number) => () => void;

const everyInterval: Scheduler = (tick, intervalMs) => {
  const timer = setInterval(tick, intervalMs);
  // The samples must never keep a process alive that is otherwise done.
  timer.unref();
  return () => clearInterval(timer);
};

export interface TimeSeriesOptions {
  readonly registry: Registry;
  readonly clock: Clock;
  readonly schedule?: Scheduler;
  /** A failed reading is reported and the next one tried; the dashboard never takes the server down. */
  readonly onError: (error: unknown) => void;
}

/** Samples for one more than the span's steps, so the oldest interval of the range has its start. */
const capacityOf = (range: SeriesRange): number => SERIES_RANGES[range].span / SERIES_RANGES[range].step + 1;

export class MetricTimeSeries {
  private readonly rings: Readonly<Record<SeriesRange, RingBuffer<MetricSnapshot>>> = {
    hour: new RingBuffer(capacityOf('hour')),
    day: new RingBuffer(capacityOf('day')),
  };
  private stopSchedule: (() => void) | undefined;

  constructor(private readonly options: TimeSeriesOptions) {}

  /** Takes the first sample now (the baseline every figure counts from), then one every 10 s. */
  start(): void {
    if (this.stopSchedule !== undefined) return;
    const tick = () => void this.sample().catch(this.options.onError);
    tick();
    this.stopSchedule = (this.options.schedule ?? everyInterval)(tick, SERIES_RANGES.hour.step * 1000);
  }

  stop(): void {
    this.stopSchedule?.();
    this.stopSchedule = undefined;
  }

  /** Reads the registry now into the hour ring, and into the day ring once 5 min have passed since its last sample. */
  async sample(): Promise<void> {
    const snapshot = await readSnapshot(this.options.registry, this.options.clock());
    this.rings.hour.push(snapshot);
    const lastOfDay = this.rings.day.last();
    if (lastOfDay === undefined || snapshot.at - lastOfDay.at >= SERIES_RANGES.day.step) this.rings.day.push(snapshot);
  }

  /**
   * The range's samples, oldest first, ending with a reading taken now (not stored), so the figures include the
   * requests of the last few seconds. Samples older than the range are left out; a fresh process has few.
   */
  async window(range: SeriesRange): Promise<readonly MetricSnapshot[]> {
    const now = this.options.clock();
    const live = await readSnapshot(this.options.registry, now);
    const stored = this.rings[range].toArray().filter((snapshot) => snapshot.at >= now - SERIES_RANGES[range].span && snapshot.at <= now);
    return [...stored, live];
  }
}
