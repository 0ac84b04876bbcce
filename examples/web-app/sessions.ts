// The web app's sessions: kept in this process's memory, found by an HttpOnly cookie; the browser never sees
// an access or refresh token (only the ID token passes through it, as `id_token_hint` at sign-out).
import { createHash, randomBytes } from 'node:crypto';

/** Between /login and /callback: what proves the answer belongs to this browser's request. */
export interface SigningIn {
  readonly kind: 'signing-in';
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** An access token for the Notes API and when it expires (epoch seconds). */
export interface ApiToken {
  readonly value: string;
  readonly expiresAt: number;
}

export interface SignedIn {
  readonly kind: 'signed-in';
  readonly subject: string;
  readonly name: string;
  /** The Gatehouse session the ID token names (`sid`): what a logout token names too. */
  readonly sessionId: string | undefined;
  /** The latest ID token, sent back as `id_token_hint` when signing out. */
  idToken: string;
  refreshToken: string;
  apiToken: ApiToken | undefined;
  /** A refresh in flight, shared so two pages loading at once rotate the refresh token once. */
  refreshing: Promise<ApiToken> | undefined;
  /** Anti-CSRF token of this session's forms. */
  readonly formToken: string;
}

/** Ended by Gatehouse (back-channel logout) while the person was away: the next visit says so, once. */
export interface Ended {
  readonly kind: 'ended';
}

export type Session = SigningIn | SignedIn | Ended;

/** A session unused for this long is forgotten (it holds a refresh token: no longer than needed). */
const IDLE_SECONDS = 8 * 60 * 60;
/** A sign-in not finished in this long is forgotten: anyone can start one, without signing in. */
const SIGN_IN_SECONDS = 10 * 60;
/** At most this many unfinished sign-ins are kept; a new one beyond it pushes out the oldest (never a signed-in session). */
const MAX_SIGNING_IN = 10_000;

interface Entry {
  session: Session;
  lastUsedAt: number;
}

/** Only a hash of each cookie value is kept, so the map's keys are useless to whoever reads this process's memory. */
const keyOf = (cookieValue: string): string => createHash('sha256').update(cookieValue).digest('base64url');

export class SessionStore {
  /** Unfinished sign-ins, oldest first (a Map keeps insertion order): bounded in number and age. */
  private readonly signingIn = new Map<string, Entry>();
  /** Signed-in and ended sessions: only a completed sign-in at Gatehouse adds one. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
    private readonly maxSigningIn = MAX_SIGNING_IN,
  ) {}

  /** Stores `session` under a new random cookie value, which it returns: a fresh value at every sign-in (no fixation). */
  create(session: Session): string {
    const cookieValue = randomBytes(32).toString('base64url');
    const entry = { session, lastUsedAt: this.now() };
    if (session.kind === 'signing-in') {
      this.forgetStaleSignIns();
      this.signingIn.set(keyOf(cookieValue), entry);
    } else {
      this.forgetIdle();
      this.entries.set(keyOf(cookieValue), entry);
    }
    return cookieValue;
  }

  find(cookieValue: string | undefined): Session | undefined {
    if (cookieValue === undefined) return undefined;
    const key = keyOf(cookieValue);
    const pending = this.signingIn.get(key);
    if (pending !== undefined) return this.now() - pending.lastUsedAt > SIGN_IN_SECONDS ? undefined : pending.session;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() - entry.lastUsedAt > IDLE_SECONDS) {
      this.entries.delete(key);
      return undefined;
    }
    entry.lastUsedAt = this.now();
    return entry.session;
  }

  delete(cookieValue: string | undefined): void {
    if (cookieValue === undefined) return;
    this.signingIn.delete(keyOf(cookieValue));
    this.entries.delete(keyOf(cookieValue));
  }

  /**
   * Back-Channel Logout 1.0 §2.7: ends the signed-in sessions of the Gatehouse session `sid`, or, when the logout token
   * names only a subject, every session of `sub`; returns how many ended.
   */
  endByLogoutToken({ sid, sub }: { readonly sid: string | undefined; readonly sub: string | undefined }): number {
    let ended = 0;
    for (const entry of this.entries.values()) {
      const { session } = entry;
      if (session.kind !== 'signed-in') continue;
      const matches = sid !== undefined ? session.sessionId === sid && (sub === undefined || session.subject === sub) : session.subject === sub;
      if (!matches) continue;
      // The tokens go at once; only the fact that it ended stays, for the next visit. The refresh token is not revoked:
      // Back-Channel Logout 1.0 §2.7 says offline_access refresh tokens normally should not be, and Gatehouse decides.
      entry.session = { kind: 'ended' };
      ended++;
    }
    return ended;
  }

  /** Drops expired sign-ins from the oldest on (they expire in the order they began), then the oldest over the cap. */
  private forgetStaleSignIns(): void {
    const now = this.now();
    for (const [key, entry] of this.signingIn) {
      if (now - entry.lastUsedAt <= SIGN_IN_SECONDS && this.signingIn.size < this.maxSigningIn) break;
      this.signingIn.delete(key);
    }
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (now - entry.lastUsedAt > IDLE_SECONDS) this.entries.delete(key);
  }
}
