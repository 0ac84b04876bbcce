// Walking the audit hash chain: which record breaks it first, where, and whether it looks altered, inserted or deleted.
import type { AuditChainBreak, AuditChainVerification, AuditEventRecord } from '../records.js';
import type { AuditSealer } from '../store.js';
import { chainHash } from './audit-chain.js';
import { sealStateOf } from './audit-seal.js';
import type { AuditChainHeadTable, AuditEventsTable } from './database.js';

/** A stored event as the walk reads it, with the pruned head read in the same statement. */
export type ChainRow = AuditEventsTable & Pick<AuditChainHeadTable, 'pruned_sequence' | 'pruned_hash'>;

type ChainHead = Pick<AuditChainHeadTable, 'sequence' | 'hash' | 'pruned_sequence' | 'pruned_hash' | 'seal'>;

/** Where the walk stands: the last record verified (or the pruned head), and the hash its own link points to. */
export interface ChainWalk {
  readonly sequence: number;
  readonly hash: string;
  /** The previous hash of the last verified record; null while standing on the pruned head (or genesis). */
  readonly linkedFrom: string | null;
  readonly checked: number;
}

/** The walk moved past what a prune (perhaps running meanwhile) deleted: it continues from the pruned head. */
export function afterPruning(walk: ChainWalk, head: Pick<AuditChainHeadTable, 'pruned_sequence' | 'pruned_hash'>): ChainWalk {
  if (head.pruned_sequence <= walk.sequence) return walk;
  return { sequence: head.pruned_sequence, hash: head.pruned_hash, linkedFrom: null, checked: walk.checked };
}

/** Whether the record's stored hash is the one its content and its own previous hash give. */
function isSealed(row: AuditEventsTable, toRecord: (row: AuditEventsTable) => AuditEventRecord): boolean {
  try {
    return chainHash(row.previous_hash, row.sequence, toRecord(row)) === row.hash;
  } catch {
    return false;
  }
}

/** Judges the next record of the walk: null when it continues the chain, else the break it shows. */
export function judgeRow(row: AuditEventsTable, walk: ChainWalk, toRecord: (row: AuditEventsTable) => AuditEventRecord): AuditChainBreak | null {
  const here = { sequence: row.sequence, position: walk.checked + 1 };
  const previous = { sequence: walk.sequence, position: walk.checked };
  // A sequence number skipped: the record that held it is gone.
  if (row.sequence > walk.sequence + 1) return { sequence: walk.sequence + 1, position: walk.checked + 1, kind: 'deleted' };
  // The link jumps over the previous record to the one before it: that record was slipped in.
  if (walk.linkedFrom !== null && row.previous_hash === walk.linkedFrom) return { ...previous, kind: 'inserted' };
  const linked = row.previous_hash === walk.hash;
  const sealed = isSealed(row, toRecord);
  if (linked && sealed) return null;
  if (linked) return { ...here, kind: 'altered' };
  // A record that seals itself but no longer links: the previous one was rewritten and given a new hash.
  if (sealed && walk.linkedFrom !== null) return { ...previous, kind: 'altered' };
  return { ...here, kind: 'unknown' };
}

/**
 * The head's view once every record is walked: records cut from the end, forged past it, or the last one rehashed.
 * A head whose seal does not verify can vouch for none of that: it was moved by someone without the secret.
 */
export function compareWithHead(walk: ChainWalk, head: ChainHead, sealer: AuditSealer): AuditChainVerification {
  const seal = sealStateOf(sealer, head);
  if (seal === 'forged') return headForged(walk);
  if (head.sequence > walk.sequence) return broken({ sequence: walk.sequence + 1, position: walk.checked + 1, kind: 'deleted' });
  if (head.sequence < walk.sequence) {
    const beyond = walk.sequence - head.sequence;
    return broken({ sequence: head.sequence + 1, position: walk.checked - beyond + 1, kind: 'inserted' });
  }
  if (head.hash !== walk.hash) {
    return broken({ sequence: Math.max(walk.sequence, 1), position: Math.max(walk.checked, 1), kind: walk.linkedFrom === null ? 'unknown' : 'altered' });
  }
  return { intact: true, checked: walk.checked, head: { sequence: head.sequence, hash: head.hash }, sealed: seal === 'sealed' };
}

/**
 * A break in a record past the head's last append is a forged record, whatever else it looks like; unless the head is
 * forged itself, and so cannot say where the chain ends. A break before the head's sequence is the chain's own evidence.
 */
export function confirmBreak(suspect: AuditChainBreak, walk: ChainWalk, head: ChainHead, sealer: AuditSealer): AuditChainVerification {
  if (suspect.sequence <= head.sequence) return broken(suspect);
  if (sealStateOf(sealer, head) === 'forged') return headForged(walk);
  return broken({ ...suspect, kind: 'inserted' });
}

/** The records walked link up to the last one reached, but the head that should vouch for where they end and start is not the one Gatehouse sealed. */
function headForged(walk: ChainWalk): AuditChainVerification {
  return { intact: false, checked: walk.checked, firstBreak: { sequence: walk.sequence, position: walk.checked, kind: 'head_forged' } };
}

/** Every record before the break was verified. */
function broken(firstBreak: AuditChainBreak): AuditChainVerification {
  return { intact: false, checked: firstBreak.position - 1, firstBreak };
}
