// Changes to one algorithm's keys, made through the store so racing instances agree: new next keys, promotions, retirements.
import type { Config } from '../../config/schema.js';
import type { EventBus, EventContext } from '../../observability/events.js';
import type { SigningAlgorithm, SigningKeyRecord } from '../../store/records.js';
import { DuplicateError, type SigningKeyRepository } from '../../store/store.js';
import { generateSigningKey } from './generate.js';
import { currentActiveKey, oldestNextKey } from './jwks.js';
import type { KeyEncryption } from './key-encryption.js';

export interface KeyRotationOptions {
  readonly signingKeys: SigningKeyRepository;
  readonly keys: Pick<Config['keys'], 'rotationInterval' | 'jwksMaxAge' | 'refreshInterval'>;
  readonly tokens: Pick<Config['tokens'], 'accessTokenTtl' | 'idTokenTtl' | 'clockTolerance'>;
  readonly encryption: KeyEncryption;
  readonly events: EventBus;
}

/** A promotion judged on one snapshot of the keys: the store carries it out only if `activeKid` is still active. */
export interface PlannedRotation {
  readonly alg: SigningAlgorithm;
  readonly activeKid: string;
  readonly nextKid: string;
}

/** The rotation of `alg` that `records` call for now, whether due or not; undefined without an active and a next key. */
export function planRotation(records: readonly SigningKeyRecord[], alg: SigningAlgorithm): PlannedRotation | undefined {
  const active = currentActiveKey(records, alg);
  const next = oldestNextKey(records, alg);
  return active === undefined || next === undefined ? undefined : { alg, activeKid: active.kid, nextKid: next.kid };
}

/**
 * Whether `alg` is due: its active key is older than `keys.rotationInterval` (0: never) and its next key has been
 * published for at least `keys.jwksMaxAge`, so every verifier's cached JWKS already holds it.
 */
export function isRotationDue(records: readonly SigningKeyRecord[], alg: SigningAlgorithm, now: number, keys: KeyRotationOptions['keys']): boolean {
  const active = currentActiveKey(records, alg);
  const next = oldestNextKey(records, alg);
  if (keys.rotationInterval === 0 || active === undefined || next === undefined) return false;
  return now >= (active.activatedAt ?? active.createdAt) + keys.rotationInterval && now >= next.createdAt + keys.jwksMaxAge;
}

/** Writes key changes to the store and announces them; the caller reloads its view afterwards. */
export class KeyRotation {
  constructor(private readonly options: KeyRotationOptions) {}

  /** Stores a new next key of `alg`; a racing instance's key stored first is kept instead, and nothing is announced. */
  async createNext(alg: SigningAlgorithm, now: number, context: EventContext): Promise<void> {
    const record = await generateSigningKey(alg, this.options.encryption, now);
    try {
      await this.options.signingKeys.create(record);
      this.options.events.emit({ type: 'key.created', kid: record.kid, alg, status: 'next' }, context);
    } catch (error) {
      // The store allows one next key per algorithm, refusing a racing instance's; that instance's key is then used.
      if (!(error instanceof DuplicateError)) throw error;
    }
  }

  /**
   * Promotes `nextKid`, retires `expectedActiveKid` (null: the first activation of `alg`) and adds a new next key.
   * Returns whether this call rotated: of instances racing on the same snapshot, exactly one does.
   */
  async promote(alg: SigningAlgorithm, expectedActiveKid: string | null, nextKid: string, now: number, context: EventContext): Promise<boolean> {
    const { signingKeys, encryption, events } = this.options;
    const newNext = await generateSigningKey(alg, encryption, now);
    const rotated = await signingKeys.rotate({ expectedActiveKid, nextKid, newNext, retiredPublishUntil: this.publishUntil(now), now });
    if (rotated) {
      events.emit({ type: 'key.rotated', kid: nextKid, alg, retiredKid: expectedActiveKid }, context);
      events.emit({ type: 'key.created', kid: newNext.kid, alg, status: 'next' }, context);
      await signingKeys.deleteExpired(now);
    }
    return rotated;
  }

  /** Takes a key of an algorithm no longer configured out of use; it stays published until its tokens expire. */
  async retire(record: SigningKeyRecord, now: number, context: EventContext): Promise<void> {
    const publishUntil = this.publishUntil(now);
    if (await this.options.signingKeys.retire(record.kid, publishUntil, now)) {
      this.options.events.emit({ type: 'key.retired', kid: record.kid, alg: record.alg, publishUntil }, context);
    }
  }

  // SECURITY.md: a retired key stays published until every token it signed has expired. Other instances keep signing
  // with it until their next reload, hence refreshInterval on top of the longest token lifetime and the clock skew.
  private publishUntil(now: number): number {
    const { keys, tokens } = this.options;
    return now + keys.refreshInterval + Math.max(tokens.accessTokenTtl, tokens.idTokenTtl) + tokens.clockTolerance;
  }
}
