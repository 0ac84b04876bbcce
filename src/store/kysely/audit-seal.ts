// The audit chain head's seal: an HMAC over where the chain ends and where pruning stopped, so cutting, rewriting or
// prefix-deleting the trail and moving the head to match needs the key-encryption secret, not just database access.
import type { AuditSealer } from '../store.js';
import type { AuditChainHeadTable } from './database.js';

export type SealedFields = Pick<AuditChainHeadTable, 'sequence' | 'hash' | 'pruned_sequence' | 'pruned_hash'>;

/** `sealed`: the seal verifies; `unsealed`: never sealed (written before migration 020, no append since); `forged`: it does not verify. */
export type SealState = 'sealed' | 'unsealed' | 'forged';

// A JSON array: no value can run into the next, and the label keeps this message from meaning anything elsewhere.
function sealedMessage(head: SealedFields): string {
  return JSON.stringify(['audit chain head', head.sequence, head.hash, head.pruned_sequence, head.pruned_hash]);
}

export function sealHead(sealer: AuditSealer, head: SealedFields): string {
  return sealer.sign(sealedMessage(head));
}

export function sealStateOf(sealer: AuditSealer, head: SealedFields & Pick<AuditChainHeadTable, 'seal'>): SealState {
  if (head.seal === null) return 'unsealed';
  return sealer.verify(sealedMessage(head), head.seal) ? 'sealed' : 'forged';
}

/**
 * The seal column for the head moving from `before` to `after`, under the head's lock: a new seal, unless `before`
 * was forged. That seal is kept, so verification goes on reporting the forgery instead of the next append hiding it.
 */
export function resealed(sealer: AuditSealer, before: SealedFields & Pick<AuditChainHeadTable, 'seal'>, after: SealedFields): { seal?: string } {
  return sealStateOf(sealer, before) === 'forged' ? {} : { seal: sealHead(sealer, after) };
}
