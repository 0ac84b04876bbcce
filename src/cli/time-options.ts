// Option values of the read commands: a point in time (`--since`, `--until`) and a row limit.
import { UsageError } from './output.js';

const DURATION = /^(\d{1,9})([smhd])$/;
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
// A date, or a date and time with an optional zone: the zone-less form is read as UTC, as every time is printed.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Epoch seconds of `text`: an ISO 8601 date or date-time, or a duration back from `now` (`90s`, `15m`, `24h`, `7d`).
 * @throws UsageError naming `flag` when it is neither
 */
export function parseWhen(text: string, now: number, flag: string): number {
  const duration = DURATION.exec(text);
  if (duration !== null) return now - Number(duration[1]) * (SECONDS_PER_UNIT[duration[2] ?? 's'] ?? 1);
  const iso = ISO_8601.exec(text);
  const withZone = iso !== null && text.includes('T') && iso[1] === undefined ? `${text}Z` : text;
  const milliseconds = iso === null ? Number.NaN : Date.parse(withZone);
  if (Number.isNaN(milliseconds)) {
    throw new UsageError(`${flag} expects an ISO 8601 time (2026-01-31T12:00:00Z) or a duration back from now (15m, 24h, 7d), got ${JSON.stringify(text)}`);
  }
  return Math.floor(milliseconds / 1000);
}

/** A whole number from 1 to `max`. @throws UsageError naming `flag` otherwise */
export function parseLimit(text: string, max: number, flag: string): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= max)) throw new UsageError(`${flag} expects a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}
