// Load shedding (README, Load shedding): past `loadShedding.maxInFlight` requests at once, or while the event loop runs
// `loadShedding.maxEventLoopDelay` late, a new request is answered 503 with Retry-After before any work is done for it.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Config } from '../../config/schema.js';
import { TemporarilyUnavailable } from '../../errors/oauth-errors.js';
import { UNMATCHED_ROUTE } from './request-log.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered however loaded the process is, and not counted in flight: health checks and the metrics scrape. */
    neverShed?: boolean;
  }
}

/** The timer behind the delay histogram fires this often; its own interval is part of every recorded delay. */
const RESOLUTION_MS = 10;
/** How often the delay is read (and the histogram restarted): the bound reacts within about this long. */
const SAMPLE_INTERVAL_MS = 500;

const OVERLOADED = 'Gatehouse is handling too many requests right now. Try again in a few seconds.';

/**
 * How late the event loop ran on average over the last sample interval, in milliseconds. The mean, not the worst: one
 * stall (a garbage collection, a slow synchronous call) is over by the time it is measured, and shedding after it
 * would only turn requests away from a process that has caught up; a loop late all the time is overloaded.
 */
function sampleEventLoopDelay(): { readonly current: () => number; readonly stop: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  let delay = 0;
  const timer = setInterval(() => {
    delay = histogram.count === 0 ? 0 : Math.max(0, histogram.mean / 1e6 - RESOLUTION_MS);
    histogram.reset();
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  return {
    current: () => delay,
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

/**
 * How long the event loop has been busy in its current turn, from the first request read in it: everything else
 * waits that long, timers, health checks and new connections included. libuv accepts one connection per turn (since
 * 1.45), so under a burst of new clients long turns leave connections waiting seconds in the kernel's queue.
 */
function measureTurn(): () => number {
  let startedAt: number | undefined;
  const end = () => void (startedAt = undefined);
  return () => {
    const now = performance.now();
    if (startedAt !== undefined) return now - startedAt;
    startedAt = now;
    // The check phase follows the poll phase, where every request of this turn was read.
    setImmediate(end);
    return 0;
  };
}

/**
 * Registers the shedding check as an onRequest hook; the refusal is a TemporarilyUnavailable thrown to the error
 * handler, so each route answers it in its own format. `onShed` hears the route template of every shed request.
 */
export function registerLoadShedding(app: FastifyInstance, settings: Config['loadShedding'], onShed?: (route: string) => void): void {
  if (!settings.enabled) return;
  // Sampled from onReady: the work of starting up (compiling routes) is not load.
  let eventLoopDelay: ReturnType<typeof sampleEventLoopDelay> | undefined;
  app.addHook('onReady', (done) => {
    eventLoopDelay = sampleEventLoopDelay();
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    eventLoopDelay?.stop();
    done();
  });
  const turnElapsed = measureTurn();
  const runsLate = () => turnElapsed() > settings.maxEventLoopDelay || (eventLoopDelay?.current() ?? 0) > settings.maxEventLoopDelay;
  let inFlight = 0;
  // The response's close comes once, whether it was sent or the client went away first.
  const release = () => void inFlight--;
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (request.routeOptions.config.neverShed === true) return done();
    if (inFlight >= settings.maxInFlight || runsLate()) {
      onShed?.(request.routeOptions.url ?? UNMATCHED_ROUTE);
      return done(new TemporarilyUnavailable({ description: OVERLOADED, retryAfter: settings.retryAfter }));
    }
    inFlight++;
    reply.raw.once('close', release);
    done();
  });
}
