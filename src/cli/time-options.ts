// Option values of the read commands: a point in time (`--since`, `--until`), a row limit and a sequence number.
import { UsageError } from './output.js';

const DURATION = /^(\d{1,9})([smhd])$/;
const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
// A date, or a date and time with an optional zone: the zone-less form is read as UTC, as every time is printed.
const ISO_8601 =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})(?:T(?<hour>\d{2}):(?<minute>\d{2})(?::(?<second>\d{2})(?<fraction>\.\d{1,9})?)?(?:Z|(?<sign>[+-])(?<offsetHours>\d{2}):(?<offsetMinutes>\d{2}))?)?$/;
const SECONDS_PER_DAY = 86_400;

/** Which second a date without a time names: its first (`--since`) or, inclusively, its last (`--until`). */
export type DateOnlyMeans = 'start of day' | 'end of day';

/** Epoch milliseconds of an ISO 8601 match, or NaN when it names no real moment (2026-02-30, 24:00, +25:00). */
function instantOf(fields: Readonly<Record<string, string | undefined>>): number {
  const [year, month, day, hour, minute, second, fraction, offsetHours, offsetMinutes] = (
    ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction', 'offsetHours', 'offsetMinutes'] as const
  ).map((name) => Number(fields[name] ?? 0)) as [number, number, number, number, number, number, number, number, number];
  const date = new Date(0);
  // setUTCFullYear rather than Date.UTC, which reads the years 0-99 as 1900-1999.
  date.setUTCFullYear(year, month - 1, day);
  const isCalendarDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const isClockTime = hour < 24 && minute < 60 && second < 60 && offsetHours < 24 && offsetMinutes < 60;
  if (!isCalendarDate || !isClockTime) return Number.NaN;
  const offset = (offsetHours * 60 + offsetMinutes) * (fields.sign === '-' ? -1 : 1);
  return date.getTime() + ((hour * 60 + minute - offset) * 60 + second + fraction) * 1000;
}

/**
 * Epoch seconds of `text`: an ISO 8601 date or date-time, or a duration back from `now` (`90s`, `15m`, `24h`, `7d`).
 * A date alone names the first or the last second of that day (UTC), as `dateOnly` says.
 * @throws UsageError naming `flag` when it is neither, or names no real date and time
 */
export function parseWhen(text: string, now: number, flag: string, dateOnly: DateOnlyMeans): number {
  const duration = DURATION.exec(text);
  if (duration !== null) return now - Number(duration[1]) * (SECONDS_PER_UNIT[duration[2] ?? 's'] ?? 1);
  const iso = ISO_8601.exec(text);
  if (iso === null) {
    throw new UsageError(`${flag} expects an ISO 8601 time (2026-01-31T12:00:00Z) or a duration back from now (15m, 24h, 7d), got ${JSON.stringify(text)}`);
  }
  const milliseconds = instantOf(iso.groups ?? {});
  if (Number.isNaN(milliseconds)) throw new UsageError(`${flag} got ${JSON.stringify(text)}, which is not a real date and time`);
  const seconds = Math.floor(milliseconds / 1000);
  return iso.groups?.hour === undefined && dateOnly === 'end of day' ? seconds + SECONDS_PER_DAY - 1 : seconds;
}

/** A whole number from 1 to `max`. @throws UsageError naming `flag` otherwise */
export function parseLimit(text: string, max: number, flag: string): number {
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= max)) throw new UsageError(`${flag} expects a whole number from 1 to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

/** A sequence number of the audit trail: a whole number from 0. @throws UsageError naming `flag` otherwise */
export function parseSequence(text: string, flag: string): number {
  const value = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) throw new UsageError(`${flag} expects a sequence number (a whole number from 0), got ${JSON.stringify(text)}`);
  return value;
}
