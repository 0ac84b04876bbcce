// `gatehouse consents ...`: list the applications a person has allowed, and remove their access as "Remove access"
// on the account page does (consent, token families, unredeemed codes, back-channel logout queued, audited).
import type { Command } from 'commander';
import { ClientNotFound } from '../../clients/errors.js';
import { listConnectedApplications, type ConnectedApplication } from '../../consents/connected-applications.js';
import { revokeClientAccess } from '../../consents/revoke-access.js';
import type { ConsentRevocation, UserRecord } from '../../store/records.js';
import { UserNotFound } from '../../users/errors.js';
import { withCommonOptions, withSealedStore, withStore, type CommandContext, type CommonOptions, type ReadCommandContext } from '../context.js';
import { printResult, UsageError } from '../output.js';
import { formatTable, formatTime } from '../table.js';

interface ConsentOptions extends CommonOptions {
  readonly user?: string;
  readonly client?: string;
}

/** The user named by username, else by user id. */
async function findUser(context: ReadCommandContext, reference: string): Promise<UserRecord> {
  const user = (await context.store.users.findByUsername(reference)) ?? (await context.store.users.findById(reference));
  if (user === undefined) throw new UserNotFound(reference);
  return user;
}

/** `--user` (required) and `--client` (when given, a registered client) resolved, or a one-line error. */
async function resolve(context: ReadCommandContext, options: ConsentOptions, command: string): Promise<{ user: UserRecord; clientId: string | undefined }> {
  // Not a commander requiredOption: commander would report it missing before naming a mistyped flag.
  if (options.user === undefined) throw new UsageError(`consents ${command} needs --user <username|id>`);
  const user = await findUser(context, options.user);
  if (options.client !== undefined && (await context.store.clients.findById(options.client)) === undefined) throw new ClientNotFound(options.client);
  return { user, clientId: options.client };
}

const applicationJson = (application: ConnectedApplication) => ({
  client_id: application.clientId,
  client_name: application.clientName,
  scope: application.scope,
  scope_descriptions: application.scopeDescriptions,
  granted_at: application.grantedAt,
  last_used_at: application.lastUsedAt,
});

function describeApplications(user: UserRecord, applications: readonly ConnectedApplication[]): string[] {
  if (applications.length === 0) return [`user "${user.username}" has no connected applications`];
  return formatTable(
    ['CLIENT_ID', 'NAME', 'GRANTED', 'LAST_USED', 'SCOPE'],
    applications.map((app) => [app.clientId, app.clientName, formatTime(app.grantedAt), app.lastUsedAt === null ? '-' : formatTime(app.lastUsedAt), app.scope]),
  );
}

const revocationJson = (clientId: string, revocation: ConsentRevocation) => ({
  client_id: clientId,
  consent_removed: revocation.consentRemoved,
  token_families_revoked: revocation.familiesRevoked,
  codes_deleted: revocation.codesDeleted,
  logouts_queued: revocation.logoutsQueued,
});

const counted = (count: number, thing: string): string => `${count} ${thing}${count === 1 ? '' : 's'}`;

function describeRevocation(user: UserRecord, clientId: string, revocation: ConsentRevocation): string {
  const consent = revocation.consentRemoved ? 'removed the consent' : 'found no consent';
  const families = revocation.familiesRevoked === 1 ? '1 token family' : `${revocation.familiesRevoked} token families`;
  const counts = `revoked ${families}, deleted ${counted(revocation.codesDeleted, 'code')}, queued ${counted(revocation.logoutsQueued, 'back-channel logout')}`;
  return `client "${clientId}", user "${user.username}": ${consent}; ${counts}`;
}

async function revoke(context: CommandContext, options: ConsentOptions) {
  const { user, clientId } = await resolve(context, options, 'revoke');
  const clientIds = clientId === undefined ? (await context.store.consents.listForUser(user.userId)).map((consent) => consent.clientId) : [clientId];
  const revoked: { clientId: string; revocation: ConsentRevocation }[] = [];
  for (const id of clientIds) revoked.push({ clientId: id, revocation: await revokeClientAccess(context, user.userId, id, context.eventContext) });
  return { user, revoked };
}

export function registerConsentCommands(program: Command): void {
  const consents = program.command('consents').description("list and remove the applications people have allowed to use their account");
  withCommonOptions(consents.command('list').description("list a user's connected applications"))
    .option('--user <username|id>', 'the user (required)')
    .option('--client <client_id>', 'only this client')
    .action(async (options: ConsentOptions) => {
      const { user, applications } = await withStore(options, async (context) => {
        const { user, clientId } = await resolve(context, options, 'list');
        return { user, applications: await listConnectedApplications({ store: context.store, scopeDescriptions: context.config.scopes }, user.userId, clientId) };
      });
      printResult(options, describeApplications(user, applications), applications.map(applicationJson));
    });
  withCommonOptions(consents.command('revoke').description("remove a client's access (or every client's) for a user, as the account page does"))
    .option('--user <username|id>', 'the user (required)')
    .option('--client <client_id>', 'only this client (default: every connected application)')
    .action(async (options: ConsentOptions) => {
      const { user, revoked } = await withSealedStore(options, (context) => revoke(context, options));
      const human = revoked.length === 0 ? `user "${user.username}" has no connected applications` : revoked.map((entry) => describeRevocation(user, entry.clientId, entry.revocation));
      printResult(options, human, { user_id: user.userId, username: user.username, revoked: revoked.map((entry) => revocationJson(entry.clientId, entry.revocation)) });
    });
}
