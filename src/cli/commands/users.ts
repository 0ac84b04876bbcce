// `gatehouse users ...`: create people who can sign in, show and list them, set passwords, grant and remove the admin
// role, disable, enable and delete them.
import type { Command } from 'commander';
import type { AccessRevocation } from '../../store/records.js';
import { UserService, type UserView } from '../../users/service.js';
import { readerEvents, withCommonOptions, withSealedStore, withStore, type CommonOptions } from '../context.js';
import { printResult, UsageError } from '../output.js';
import { readPassword } from '../password-input.js';
import { formatFields, formatTable, formatTime } from '../table.js';

interface PasswordOptions extends CommonOptions {
  readonly passwordStdin?: boolean;
}

interface CreateOptions extends PasswordOptions {
  readonly username?: string;
  readonly email?: string;
  readonly name?: string;
  readonly admin?: boolean;
}

const PASSWORD_STDIN_HELP = 'read the password from stdin instead of prompting (it is never taken from the command line)';

function withUsers<T>(options: CommonOptions, work: (service: UserService) => Promise<T>): Promise<T> {
  return withSealedStore(options, (context) => work(new UserService({ store: context.store, events: context.events, context: context.eventContext, clock: context.clock })));
}

/** The service's reading half, over a store opened without the key-encryption secret: its type offers no change to make. */
function readUsers<T>(options: CommonOptions, work: (service: Pick<UserService, 'list' | 'show'>) => Promise<T>): Promise<T> {
  return withStore(options, (context) => work(new UserService({ store: context.store, events: readerEvents(), context: {}, clock: context.clock })));
}

/** Attribute names follow OpenID Connect standard claims, as the rest of the JSON output follows the RFCs. */
function toUserJson(user: UserView): Record<string, unknown> {
  return {
    user_id: user.userId,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    disabled: user.disabledAt !== null,
    disabled_at: user.disabledAt,
    admin: user.admin,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function describeUser(user: UserView): string[] {
  const rows: [string, string][] = [
    ['username', user.username],
    ['user_id', user.userId],
    ['status', user.disabledAt === null ? 'active' : `disabled since ${formatTime(user.disabledAt)}`],
    ['role', describeRole(user)],
    ['email', user.email === null ? '-' : `${user.email}${user.emailVerified ? '' : ' (not verified)'}`],
    ['name', user.name ?? '-'],
    ['created', formatTime(user.createdAt)],
    ['updated', formatTime(user.updatedAt)],
  ];
  return formatFields(rows);
}

/** "ended 2 sessions and revoked 1 token family": what a password change or disabling took away. */
function describeEnded({ sessionsEnded, familiesRevoked }: AccessRevocation): string {
  const sessions = sessionsEnded === 1 ? '1 session' : `${sessionsEnded} sessions`;
  const families = familiesRevoked === 1 ? '1 token family' : `${familiesRevoked} token families`;
  return `ended ${sessions} and revoked ${families}`;
}

const endedJson = (ended: AccessRevocation) => ({ sessions_ended: ended.sessionsEnded, token_families_revoked: ended.familiesRevoked });

const describeRole = (user: UserView): string => (user.admin ? 'admin' : 'user');

function describeUsers(users: readonly UserView[]): string[] {
  if (users.length === 0) return ['no users'];
  return formatTable(
    ['USERNAME', 'USER_ID', 'STATUS', 'ROLE', 'EMAIL', 'NAME'],
    users.map((user) => [user.username, user.userId, user.disabledAt === null ? 'active' : 'disabled', describeRole(user), user.email ?? '-', user.name ?? '-']),
  );
}

function registerCreate(users: Command): void {
  withCommonOptions(users.command('create').description('create a user; prompts for the password'))
    // Not a commander requiredOption: commander would report it missing before naming a mistyped flag.
    .option('--username <username>', 'sign-in name: 1-64 characters, no whitespace (required)')
    .option('--email <email>', 'email address')
    .option('--name <name>', 'display name')
    .option('--admin', 'let the user open the ops dashboard (/admin)')
    .option('--password-stdin', PASSWORD_STDIN_HELP)
    .action(async (options: CreateOptions) => {
      const username = options.username;
      if (username === undefined) throw new UsageError('users create needs --username');
      // The password is read before the store opens, so a prompt never holds a database connection.
      const password = await readPassword(options);
      const user = await withUsers(options, (service) =>
        service.create({ username, email: options.email, name: options.name, admin: options.admin, password }),
      );
      printResult(options, `created user "${user.username}" (${user.userId})`, toUserJson(user));
    });
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('manage the people who can sign in');
  registerCreate(users);

  withCommonOptions(users.command('list').description('list users')).action(async (options: CommonOptions) => {
    const list = await readUsers(options, (service) => service.list());
    printResult(options, describeUsers(list), list.map(toUserJson));
  });

  withCommonOptions(users.command('show').description('show one user').argument('<username>')).action(async (username: string, options: CommonOptions) => {
    const user = await readUsers(options, (service) => service.show(username));
    printResult(options, describeUser(user), toUserJson(user));
  });

  withCommonOptions(users.command('set-password').description("set a user's password and end their sessions and tokens").argument('<username>'))
    .option('--password-stdin', PASSWORD_STDIN_HELP)
    .action(async (username: string, options: PasswordOptions) => {
      const password = await readPassword(options);
      const { user, ended } = await withUsers(options, (service) => service.setPassword(username, password));
      printResult(options, `set the password of user "${user.username}"; ${describeEnded(ended)}`, { ...toUserJson(user), ...endedJson(ended) });
    });

  registerStatusCommands(users);
  registerRoleCommands(users);
}

function registerRoleCommands(users: Command): void {
  withCommonOptions(users.command('grant-admin').description('let a user open the ops dashboard (/admin)').argument('<username>')).action(
    async (username: string, options: CommonOptions) => {
      const { user, changed } = await withUsers(options, (service) => service.setAdmin(username, true));
      printResult(options, changed ? `user "${user.username}" is now an admin` : `user "${user.username}" was already an admin`, toUserJson(user));
    },
  );

  withCommonOptions(users.command('revoke-admin').description('take the admin role (the ops dashboard) from a user').argument('<username>')).action(
    async (username: string, options: CommonOptions) => {
      const { user, changed } = await withUsers(options, (service) => service.setAdmin(username, false));
      printResult(options, changed ? `user "${user.username}" is no longer an admin` : `user "${user.username}" was not an admin`, toUserJson(user));
    },
  );
}

function registerStatusCommands(users: Command): void {
  withCommonOptions(users.command('disable').description('disable a user and end their sessions and tokens').argument('<username>')).action(
    async (username: string, options: CommonOptions) => {
      const { user, changed, ended } = await withUsers(options, (service) => service.disable(username));
      const message = changed ? `disabled user "${user.username}"; ${describeEnded(ended)}` : `user "${user.username}" was already disabled`;
      printResult(options, message, { ...toUserJson(user), ...endedJson(ended) });
    },
  );

  withCommonOptions(users.command('enable').description('let a disabled user sign in again').argument('<username>')).action(
    async (username: string, options: CommonOptions) => {
      const { user, changed } = await withUsers(options, (service) => service.enable(username));
      printResult(options, changed ? `enabled user "${user.username}"` : `user "${user.username}" was not disabled`, toUserJson(user));
    },
  );

  withCommonOptions(users.command('delete').description('delete a user and everything issued to them').argument('<username>')).action(
    async (username: string, options: CommonOptions) => {
      const user = await withUsers(options, (service) => service.delete(username));
      printResult(options, `deleted user "${user.username}" (${user.userId}) with their sessions, consents and tokens`, { ...toUserJson(user), deleted: true });
    },
  );
}
