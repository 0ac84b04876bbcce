// The one clock: epoch seconds, made in the composition root and passed to whatever needs the time, so tests control it.

/** The current time in whole epoch seconds. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
