// The in-memory view of the signing keys: loads them once, bootstraps and rotates them through the store, serves the JWKS.
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/schema.js';
import type { EventBus, EventContext } from '../../observability/events.js';
import type { Logger } from '../../observability/logger.js';
import type { SigningKeyRecord } from '../../store/records.js';
import { DuplicateError, type SigningKeyRepository, type Store } from '../../store/store.js';
import { generateSigningKey } from './generate.js';
import { compareForJwks, currentActiveKey, oldestNextKey, serialiseJwks, type Jwks } from './jwks.js';
import type { KeyEncryption } from './key-encryption.js';
import { importSigningKey, readPublicJwk, type PublicJwk, type SigningKey } from './signing-key.js';
import { KeyRingTimer } from './timer.js';

export interface KeyRingOptions {
  readonly signingKeys: SigningKeyRepository;
  readonly keys: Pick<Config['keys'], 'algorithm' | 'rotationInterval' | 'jwksMaxAge' | 'refreshInterval'>;
  readonly tokens: Pick<Config['tokens'], 'accessTokenTtl' | 'idTokenTtl' | 'clockTolerance'>;
  readonly encryption: KeyEncryption;
  readonly events: EventBus;
  /** Reports a failed background reload or rotation; the ring keeps its previous keys. */
  readonly onTimerError: (error: unknown) => void;
  readonly clock: Clock;
}

/** A key as the CLI lists it: never any private material. */
export type KeyInfo = Pick<SigningKeyRecord, 'kid' | 'alg' | 'status' | 'createdAt' | 'activatedAt' | 'retiredAt' | 'publishUntil'>;

interface LoadedKey {
  readonly record: SigningKeyRecord;
  readonly jwk: PublicJwk;
  /** Imported for active and next keys only: a retired key never signs again. */
  readonly signing: SigningKey | undefined;
}

/** The signing keys of this instance; the database decides rotations, so any number of instances may share it. */
export class KeyRing {
  private loaded = new Map<string, LoadedKey>();
  private published: readonly SigningKeyRecord[] = [];
  private active: SigningKey | undefined;
  private document: Jwks = serialiseJwks([]);
  private readonly timer: KeyRingTimer;

  constructor(private readonly options: KeyRingOptions) {
    this.timer = new KeyRingTimer(options.keys.refreshInterval, options.onTimerError, async () => {
      const now = options.clock();
      await this.reload(now);
      await this.rotateIfDue(now);
    });
  }

  /** The key to sign with now. @throws Error before `ensureKeys` or `reload` found an active key. */
  activeKey(): SigningKey {
    if (this.active === undefined) throw new Error('no active signing key is loaded; call ensureKeys() first');
    return this.active;
  }

  /** The JWKS (active, next, and retired keys still published), serialised once per change. */
  jwks(): Jwks {
    return this.document;
  }

  /** The JWKS body alone, for the route (`JwksPublisher`). */
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
    const activeKid = currentActiveKey(records)?.kid;
    this.active = activeKid === undefined ? undefined : loaded.get(activeKid)?.signing;
    const changed = records.length !== this.published.length || records.some((record, i) => record.kid !== this.published[i]?.kid);
    if (changed) this.document = serialiseJwks(entries.map((entry) => entry.jwk));
    this.loaded = loaded;
    this.published = records;
  }

  /**
   * Makes sure an active and a next key exist, creating them on an empty table. Safe when several instances start
   * at once: the store's conditional rotate lets exactly one of them promote the first key.
   */
  async ensureKeys(now: number, context: EventContext = {}): Promise<void> {
    await this.reload(now);
    if (oldestNextKey(this.published) === undefined) await this.createNext(now, context);
    const next = oldestNextKey(this.published);
    if (this.active === undefined && next !== undefined) await this.promote(null, next.kid, now, context);
    if (this.active === undefined) throw new Error('no active signing key after bootstrapping the key table');
  }

  /** Rotates now, whatever the schedule: next becomes active, active retires, a new next is made. */
  async rotate(now: number, context: EventContext = {}): Promise<boolean> {
    await this.ensureKeys(now, context);
    return this.promoteLoaded(now, context);
  }

  /**
   * Rotates when the active key is older than `keys.rotationInterval` (0: never) and the next key has been published
   * for at least `keys.jwksMaxAge`, so every verifier's cached JWKS already holds it. Judged on the loaded state, so
   * instances that judge together send the same `expectedActiveKid` and only one rotation happens.
   */
  async rotateIfDue(now: number, context: EventContext = {}): Promise<boolean> {
    const { rotationInterval, jwksMaxAge } = this.options.keys;
    const active = currentActiveKey(this.published);
    const next = oldestNextKey(this.published);
    if (rotationInterval === 0 || active === undefined || next === undefined) return false;
    if (now < (active.activatedAt ?? active.createdAt) + rotationInterval || now < next.createdAt + jwksMaxAge) return false;
    return this.promoteLoaded(now, context);
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
    const signing = known?.signing ?? (record.status === 'retired' ? undefined : importSigningKey(record, this.options.encryption));
    return { record, jwk: known?.jwk ?? readPublicJwk(record), signing };
  }

  private async createNext(now: number, context: EventContext): Promise<void> {
    const record = await generateSigningKey(this.options.keys.algorithm, this.options.encryption, now);
    try {
      await this.options.signingKeys.create(record);
      this.options.events.emit({ type: 'key.created', kid: record.kid, status: 'next' }, context);
    } catch (error) {
      // A store that allows one next key at a time refuses a racing instance's; that instance's key is then used.
      if (!(error instanceof DuplicateError)) throw error;
    }
    await this.reload(now);
  }

  private async promoteLoaded(now: number, context: EventContext): Promise<boolean> {
    const active = currentActiveKey(this.published);
    const next = oldestNextKey(this.published);
    if (active === undefined || next === undefined) return false;
    return this.promote(active.kid, next.kid, now, context);
  }

  private async promote(expectedActiveKid: string | null, nextKid: string, now: number, context: EventContext): Promise<boolean> {
    const { signingKeys, keys, tokens, encryption, events } = this.options;
    const newNext = await generateSigningKey(keys.algorithm, encryption, now);
    // SECURITY.md: a retired key stays published until every token it signed has expired. Other instances keep signing
    // with it until their next reload, hence refreshInterval on top of the longest token lifetime and the clock skew.
    const retiredPublishUntil = now + keys.refreshInterval + Math.max(tokens.accessTokenTtl, tokens.idTokenTtl) + tokens.clockTolerance;
    const rotated = await signingKeys.rotate({ expectedActiveKid, nextKid, newNext, retiredPublishUntil, now });
    if (rotated) {
      events.emit({ type: 'key.rotated', kid: nextKid, retiredKid: expectedActiveKid }, context);
      events.emit({ type: 'key.created', kid: newNext.kid, status: 'next' }, context);
      await signingKeys.deleteExpired(now);
    }
    await this.reload(now);
    return rotated;
  }
}

export interface OpenKeyRingOptions {
  readonly store: Pick<Store, 'signingKeys'>;
  readonly config: Pick<Config, 'keys' | 'tokens'>;
  readonly keyEncryption: KeyEncryption;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * Builds the key ring and makes sure an active and a next key exist, so the server can sign from its first request.
 * The caller starts the refresh timer once it is listening.
 * @throws KeyDecryptionError when the stored keys were sealed under a secret that is no longer configured.
 */
export async function openKeyRing(options: OpenKeyRingOptions): Promise<KeyRing> {
  const { store, config, keyEncryption, events, logger, clock } = options;
  const { algorithm, rotationInterval, jwksMaxAge, refreshInterval } = config.keys;
  const { accessTokenTtl, idTokenTtl, clockTolerance } = config.tokens;
  // Only the settings the ring needs: the key-encryption secrets stay out of its state.
  const keyRing = new KeyRing({
    signingKeys: store.signingKeys,
    keys: { algorithm, rotationInterval, jwksMaxAge, refreshInterval },
    tokens: { accessTokenTtl, idTokenTtl, clockTolerance },
    encryption: keyEncryption,
    events,
    clock,
    onTimerError: (error) => logger.error({ err: error }, 'signing key refresh failed; still using the keys loaded before'),
  });
  await keyRing.ensureKeys(clock());
  return keyRing;
}
