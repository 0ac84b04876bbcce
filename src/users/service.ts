// User administration: create, show and list users, set passwords, disable, enable and delete them; used by the CLI.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { AccessRevocation, UserRecord } from '../store/records.js';
import { DuplicateError, type Store } from '../store/store.js';
import { UserNotFound, UsernameTaken } from './errors.js';
import { hashPassword } from './password.js';
import { checkEmail, checkName, checkPassword, checkUsername } from './policy.js';

export interface UserServiceDeps {
  readonly store: Store;
  readonly events: EventBus;
  /** Who acts: `{ actor: 'cli:<user>' }` for the CLI. */
  readonly context: EventContext;
  readonly clock: Clock;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  /** Grants the admin role at creation (the ops dashboard, /admin). */
  readonly admin?: boolean | undefined;
}

/** A user as it may be shown: never the password hash. */
export type UserView = Omit<UserRecord, 'passwordHash'>;

/** The outcome of a change that ends the user's access: what was ended (zero counts when nothing changed). */
export interface AccessChange {
  readonly user: UserView;
  readonly changed: boolean;
  readonly ended: AccessRevocation;
}

const NOTHING_ENDED: AccessRevocation = { sessionsEnded: 0, familiesRevoked: 0 };

/** Copies an allow-list of fields, so a field added to the record later is not shown until chosen. */
export function toUserView(record: UserRecord): UserView {
  return {
    userId: record.userId,
    username: record.username,
    email: record.email,
    emailVerified: record.emailVerified,
    name: record.name,
    disabledAt: record.disabledAt,
    admin: record.admin,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export class UserService {
  private readonly now: Clock;

  constructor(private readonly deps: UserServiceDeps) {
    this.now = deps.clock;
  }

  /** @throws InvalidUserInput, UsernameTaken */
  async create(input: NewUser): Promise<UserView> {
    const username = checkUsername(input.username);
    const email = input.email === undefined ? null : checkEmail(input.email);
    const name = input.name === undefined ? null : checkName(input.name);
    const passwordHash = await hashPassword(checkPassword(input.password));
    const now = this.now();
    const record: UserRecord = {
      userId: randomUUID(),
      username,
      email,
      // An address typed by an operator has not been proven to reach the user.
      emailVerified: false,
      name,
      passwordHash,
      disabledAt: null,
      admin: input.admin === true,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.deps.store.users.create(record);
    } catch (error) {
      if (error instanceof DuplicateError && error.field === 'username') throw new UsernameTaken(username);
      throw error;
    }
    this.deps.events.emit({ type: 'user.created', userId: record.userId }, this.deps.context);
    if (record.admin) this.deps.events.emit({ type: 'user.admin_granted', userId: record.userId }, this.deps.context);
    return toUserView(record);
  }

  /**
   * Replaces the password hash with one made under the current parameters and, in the same transaction, ends the
   * user's sessions and revokes their token families (SECURITY.md, Passwords). @throws InvalidUserInput, UserNotFound
   */
  async setPassword(username: string, password: string): Promise<AccessChange> {
    const passwordHash = await hashPassword(checkPassword(password));
    const user = await this.findByUsername(username);
    const now = this.now();
    const ended = await this.deps.store.users.changePassword(user.userId, passwordHash, now);
    if (ended === undefined) throw new UserNotFound(username);
    this.deps.events.emit({ type: 'user.password_changed', userId: user.userId, ...ended }, this.deps.context);
    return { user: toUserView({ ...user, updatedAt: now }), changed: true, ended };
  }

  /**
   * Disables the user and revokes their sessions and token families. Disabling a disabled user changes nothing.
   * @throws UserNotFound
   */
  async disable(username: string): Promise<AccessChange> {
    const user = await this.findByUsername(username);
    if (user.disabledAt !== null) return { user: toUserView(user), changed: false, ended: NOTHING_ENDED };
    const now = this.now();
    const ended = await this.deps.store.users.disable(user.userId, now);
    if (ended === undefined) throw new UserNotFound(username);
    this.deps.events.emit({ type: 'user.disabled', userId: user.userId, ...ended }, this.deps.context);
    return { user: toUserView({ ...user, disabledAt: now, updatedAt: now }), changed: true, ended };
  }

  /** Lets a disabled user sign in again; sessions and tokens ended by disabling stay ended. @throws UserNotFound */
  async enable(username: string): Promise<{ readonly user: UserView; readonly changed: boolean }> {
    const user = await this.findByUsername(username);
    if (user.disabledAt === null) return { user: toUserView(user), changed: false };
    const now = this.now();
    if (!(await this.deps.store.users.enable(user.userId, now))) throw new UserNotFound(username);
    this.deps.events.emit({ type: 'user.enabled', userId: user.userId }, this.deps.context);
    return { user: toUserView({ ...user, disabledAt: null, updatedAt: now }), changed: true };
  }

  /**
   * Grants (`true`) or removes (`false`) the admin role, which opens the ops dashboard; audited as
   * `user.admin_granted` / `user.admin_revoked`. Asking for the role the user already has changes nothing.
   * @throws UserNotFound
   */
  async setAdmin(username: string, admin: boolean): Promise<{ readonly user: UserView; readonly changed: boolean }> {
    const user = await this.findByUsername(username);
    if (user.admin === admin) return { user: toUserView(user), changed: false };
    const now = this.now();
    if (!(await this.deps.store.users.setAdmin(user.userId, admin, now))) throw new UserNotFound(username);
    this.deps.events.emit({ type: admin ? 'user.admin_granted' : 'user.admin_revoked', userId: user.userId }, this.deps.context);
    return { user: toUserView({ ...user, admin, updatedAt: now }), changed: true };
  }

  /** Deletes the user and everything issued to them; returns the user as it was. @throws UserNotFound */
  async delete(username: string): Promise<UserView> {
    const user = await this.findByUsername(username);
    if (!(await this.deps.store.users.delete(user.userId))) throw new UserNotFound(username);
    this.deps.events.emit({ type: 'user.deleted', userId: user.userId, username: user.username }, this.deps.context);
    return toUserView(user);
  }

  /** @throws UserNotFound */
  async show(username: string): Promise<UserView> {
    return toUserView(await this.findByUsername(username));
  }

  async list(): Promise<readonly UserView[]> {
    return (await this.deps.store.users.list()).map(toUserView);
  }

  private async findByUsername(username: string): Promise<UserRecord> {
    const user = await this.deps.store.users.findByUsername(username);
    if (user === undefined) throw new UserNotFound(username);
    return user;
  }
}
