// How audit events and chain verifications read: the export's stable JSON shape, and a table and sentences for people.
import type { AuditChainBreak, AuditChainVerification, AuditEventRecord } from '../../store/records.js';
import { formatTable, formatTime } from '../table.js';
import { escapeForTerminal } from '../terminal-safe.js';

/**
 * One event as `audit export` and `audit list --json` print it: field names a SIEM can rely on. A row that could not
 * be decoded shows `occurredAt` or `details` null, followed by `occurredAtInvalid` or `detailsInvalid`: true.
 */
export function toAuditJson(event: AuditEventRecord): Record<string, unknown> {
  return {
    sequence: event.sequence,
    occurredAt: event.occurredAtInvalid ? null : formatTime(event.occurredAt),
    ...(event.occurredAtInvalid && { occurredAtInvalid: true }),
    type: event.type,
    userId: event.userId,
    clientId: event.clientId,
    ip: event.ip,
    userAgent: event.userAgent,
    requestId: event.requestId,
    details: event.detailsInvalid ? null : event.details,
    ...(event.detailsInvalid && { detailsInvalid: true }),
    hash: event.hash,
  };
}

function compactValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null)) return value.map(compactValue).join(',');
  return JSON.stringify(value);
}

/** `actor=cli:root fields=scope,redirect_uris`: the details on one line. */
export function compactDetails(details: Readonly<Record<string, unknown>>): string {
  const pairs = Object.entries(details).map(([key, value]) => `${key}=${compactValue(value)}`);
  return pairs.length === 0 ? '-' : pairs.join(' ');
}

/** Newest first, as listed; `usernames` names the users who still exist. */
export function describeEvents(events: readonly AuditEventRecord[], usernames: ReadonlyMap<string, string>): string[] {
  if (events.length === 0) return ['no audit events'];
  const user = (userId: string | null) => (userId === null ? '-' : (usernames.get(userId) ?? userId));
  return formatTable(
    ['TIME', 'TYPE', 'USER', 'CLIENT', 'IP', 'REQUEST_ID', 'DETAILS'],
    events.map((event) =>
      [
        event.occurredAtInvalid ? '(invalid time)' : formatTime(event.occurredAt),
        event.type,
        user(event.userId),
        event.clientId ?? '-',
        event.ip ?? '-',
        event.requestId ?? '-',
        event.detailsInvalid ? '(invalid details)' : compactDetails(event.details),
      ].map(escapeForTerminal),
    ),
  );
}

const KIND_TEXT: Readonly<Record<AuditChainBreak['kind'], string>> = {
  altered: 'the record was altered',
  inserted: 'a record was inserted',
  deleted: 'a record was deleted',
  head_forged: "the chain head's seal does not verify: the end of the trail, or where pruning stopped, was moved without the key-encryption secret",
  unknown: 'it cannot be told whether a record was altered, inserted or deleted',
};

const NOT_SEALED_YET =
  'the chain head is not sealed yet (no append or prune since upgrading): until the next one seals it, a cut or rewritten end of the trail would go unnoticed';

/** Lines for a person: the summary of an intact chain (and a second if its head is not sealed yet), or where and how it breaks. */
export function describeVerification(verification: AuditChainVerification): string[] {
  const records = (count: number) => `${count} record${count === 1 ? '' : 's'}`;
  if (verification.intact) {
    const { head } = verification;
    const summary = `audit trail intact: ${records(verification.checked)} checked, head at sequence ${head.sequence} (${head.hash})`;
    return verification.sealed ? [summary] : [summary, NOT_SEALED_YET];
  }
  const { sequence, position, kind } = verification.firstBreak;
  return [`audit trail broken at sequence ${sequence} (position ${position} in the chain): ${KIND_TEXT[kind]}; ${records(verification.checked)} before it verified`];
}
