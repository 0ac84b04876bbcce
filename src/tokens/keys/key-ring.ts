// The in-memory view of the signing keys, one active and one next key per configured algorithm: loads them once,
// bootstraps and rotates them through the store, serves the JWKS.
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/schema.js';
import type { EventContext } from '../../observability/events.js';
import type { Logger } from '../../observability/logger.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKeyRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { compareForJwks, currentActiveKey, oldestNextKey, serialiseJwks, type Jwks } from './jwks.js';
import type { KeyEncryption } from './key-encryption.js';
import { isRotationDue, KeyRotation, planRotation, type KeyRotationOptions, type PlannedRotation } from './rotation.js';
import { importSigningKey, readPublicJwk, type PublicJwk, type SigningKey, type SigningObserver } from './signing-key.js';
import { KeyRingTimer } from './timer.js';

export interface KeyRingOptions extends KeyRotationOptions {
  readonly keys: Pick<Config['keys'], 'algorithms' | 'rotationInterval' | 'jwksMaxAge' | 'refreshInterval'>;
  /** Reports a failed background reload or rotation; the ring keeps its previous keys. */
  readonly onTimerError: (error: unknown) => void;
  readonly clock: Clock;
  /** Hears how long each signature with a key of this ring took. */
  readonly onSigned?: SigningObserver;
}

/** A key as the CLI lists it: never any private material. */
export type KeyInfo = Pick<SigningKeyRecord, 'kid' | 'alg' | 'status' | 'createdAt' | 'activatedAt' | 'retiredAt' | 'publishUntil'>;

interface LoadedKey {
  readonly record: SigningKeyRecord;
  readonly jwk: PublicJwk;
  /** Imported for active and next keys of configured algorithms only: any other key never signs again. */
  readonly signing: SigningKey | undefined;
}

/** The signing keys of this instance; the database decides rotations, so any number of instances may share it. */
export class KeyRing {
  private loaded = new Map<string, LoadedKey>();
  private published: readonly SigningKeyRecord[] = [];
  private active: ReadonlyMap<SigningAlgorithm, SigningKey> = new Map();
  private document: Jwks = serialiseJwks([]);
  private readonly rotation: KeyRotation;
  private readonly timer: KeyRingTimer;

  constructor(private readonly options: KeyRingOptions) {
    this.rotation = new KeyRotation(options);
    this.timer = new KeyRingTimer(options.keys.refreshInterval, options.onTimerError, async () => {
      const now = options.clock();
      await this.reload(now);
      await this.rotateIfDue(now);
    });
  }

  /** The key to sign `alg` with now; undefined when `alg` is not configured or before `ensureKeys` or `reload`. */
  activeKey(alg: SigningAlgorithm): SigningKey | undefined {
    return this.active.get(alg);
  }

  /** The algorithms this instance can sign with now, RS256 first. */
  signingAlgorithms(): readonly SigningAlgorithm[] {
    return SIGNING_ALGORITHMS.filter((alg) => this.active.has(alg));
  }

  /** The JWKS (active, next, and retired keys still published), serialised once per change. */
  jwks(): Jwks {
    return this.document;
  }

  /** The JWKS body alone, for the access token verifier (`PublishedKeys`). */
  jwksJson(): string {
    return this.document.body;
  }

  /** Every stored key, for `gatehouse keys list`. */
  async list(): Promise<readonly KeyInfo[]> {
    const records = await this.options.signingKeys.listAll();
    return records.map(({ kid, alg, status, createdAt, activatedAt, retiredAt, publishUntil }) => ({
      kid, alg, status, createdAt, activatedAt, retiredAt, publishUntil,
    }));
  }

  /** Re-reads the published keys, importing only keys not seen before. @throws KeyDecryptionError */
  async reload(now: number): Promise<void> {
    const records = [...(await this.options.signingKeys.listPublished(now))].sort(compareForJwks);
    const entries = records.map((record) => this.load(record));
    const loaded = new Map(entries.map((entry) => [entry.record.kid, entry] as const));
    const active = new Map<SigningAlgorithm, SigningKey>();
    for (const alg of this.options.keys.algorithms) {
      const signing = loaded.get(currentActiveKey(records, alg)?.kid ?? '')?.signing;
      if (signing !== undefined) active.set(alg, signing);
    }
    const changed = records.length !== this.published.length || records.some((record, i) => record.kid !== this.published[i]?.kid);
    if (changed) this.document = serialiseJwks(entries.map((entry) => entry.jwk));
    this.loaded = loaded;
    this.published = records;
    this.active = active;
  }

  /**
   * Makes sure every configured algorithm has an active and a next key, creating them where missing, and retires
   * the keys of algorithms no longer configured. Safe when several instances start at once: the store's conditional
   * rotate lets exactly one of them promote each algorithm's first key.
   * @throws Error when an algorithm still has no active key afterwards.
   */
  async ensureKeys(now: number, context: EventContext = {}): Promise<void> {
    await this.reload(now);
    for (const alg of this.options.keys.algorithms) await this.bootstrap(alg, now, context);
    await this.retireUnconfigured(now, context);
    const missing = this.options.keys.algorithms.filter((alg) => !this.active.has(alg));
    if (missing.length > 0) throw new Error(`no active ${missing.join(', ')} signing key after bootstrapping the key table`);
  }

  /**
   * Rotates now, whatever the schedule, each of `algorithms` (default: every configured one): its next key becomes
   * active, its active key retires, a new next key is made. Returns the algorithms this call rotated; one missing
   * was rotated by another instance at the same moment.
   * @throws Error for an algorithm not in `keys.algorithms`.
   */
  async rotate(now: number, context: EventContext = {}, algorithms: readonly SigningAlgorithm[] = this.options.keys.algorithms): Promise<readonly SigningAlgorithm[]> {
    const unconfigured = algorithms.filter((alg) => !this.options.keys.algorithms.includes(alg));
    if (unconfigured.length > 0) throw new Error(`${unconfigured.join(', ')} is not in keys.algorithms, so it has no keys to rotate`);
    await this.ensureKeys(now, context);
    return this.promoteAll(algorithms.map((alg) => planRotation(this.published, alg)), now, context);
  }

  /**
   * Rotates each configured algorithm that is due (see `isRotationDue`). Judged on the loaded state, so instances
   * that judge together send the same `expectedActiveKid` and only one rotation per algorithm happens.
   * Returns the algorithms this call rotated.
   */
  async rotateIfDue(now: number, context: EventContext = {}): Promise<readonly SigningAlgorithm[]> {
    const due = this.options.keys.algorithms.filter((alg) => isRotationDue(this.published, alg, now, this.options.keys));
    return this.promoteAll(due.map((alg) => planRotation(this.published, alg)), now, context);
  }

  /** Starts reloading and checking rotation every `keys.refreshInterval` seconds, without keeping the process alive. */
  start(): void {
    this.timer.start();
  }

  /** Stops the timer and waits for a reload in progress. */
  stop(): Promise<void> {
    return this.timer.stop();
  }

  private load(record: SigningKeyRecord): LoadedKey {
    const known = this.loaded.get(record.kid);
    const signs = record.status !== 'retired' && this.options.keys.algorithms.includes(record.alg);
    const signing = signs ? (known?.signing ?? importSigningKey(record, this.options.encryption, this.options.onSigned)) : undefined;
    return { record, jwk: known?.jwk ?? readPublicJwk(record), signing };
  }

  /** Gives `alg` a next key, then promotes it when `alg` has no active key yet. */
  private async bootstrap(alg: SigningAlgorithm, now: number, context: EventContext): Promise<void> {
    if (oldestNextKey(this.published, alg) === undefined) {
      await this.rotation.createNext(alg, now, context);
      await this.reload(now);
    }
    const next = oldestNextKey(this.published, alg);
    if (this.active.has(alg) || next === undefined) return;
    await this.rotation.promote(alg, null, next.kid, now, context);
    await this.reload(now);
  }

  /** A key of an algorithm no longer configured never signs again, and leaves the JWKS once its tokens expire. */
  private async retireUnconfigured(now: number, context: EventContext): Promise<void> {
    const stale = this.published.filter((record) => record.status !== 'retired' && !this.options.keys.algorithms.includes(record.alg));
    if (stale.length === 0) return;
    for (const record of stale) await this.rotation.retire(record, now, context);
    await this.reload(now);
  }

  // Every plan was made on the same snapshot before any promotion, so none is judged on a state a racer just changed.
  private async promoteAll(plans: readonly (PlannedRotation | undefined)[], now: number, context: EventContext): Promise<readonly SigningAlgorithm[]> {
    const rotated: SigningAlgorithm[] = [];
    for (const plan of plans) {
      if (plan !== undefined && (await this.rotation.promote(plan.alg, plan.activeKid, plan.nextKid, now, context))) rotated.push(plan.alg);
    }
    if (plans.length > 0) await this.reload(now);
    return rotated;
  }
}

export interface OpenKeyRingOptions {
  readonly store: Pick<Store, 'signingKeys'>;
  readonly config: Pick<Config, 'keys' | 'tokens'>;
  readonly keyEncryption: KeyEncryption;
  readonly events: KeyRotationOptions['events'];
  readonly logger: Logger;
  readonly clock: Clock;
  readonly onSigned?: SigningObserver;
}

/**
 * Builds the key ring and makes sure every configured algorithm has an active and a next key, so the server can
 * sign from its first request. The caller starts the refresh timer once it is listening.
 * @throws KeyDecryptionError when the stored keys were sealed under a secret that is no longer configured.
 */
export async function openKeyRing(options: OpenKeyRingOptions): Promise<KeyRing> {
  const { store, config, keyEncryption, events, logger, clock, onSigned } = options;
  const { algorithms, rotationInterval, jwksMaxAge, refreshInterval } = config.keys;
  const { accessTokenTtl, idTokenTtl, clockTolerance } = config.tokens;
  // Only the settings the ring needs: the key-encryption secrets stay out of its state.
  const keyRing = new KeyRing({
    signingKeys: store.signingKeys,
    keys: { algorithms, rotationInterval, jwksMaxAge, refreshInterval },
    tokens: { accessTokenTtl, idTokenTtl, clockTolerance },
    encryption: keyEncryption,
    events,
    clock,
    ...(onSigned && { onSigned }),
    onTimerError: (error) => logger.error({ err: error }, 'signing key refresh failed; still using the keys loaded before'),
  });
  await keyRing.ensureKeys(clock());
  return keyRing;
}
