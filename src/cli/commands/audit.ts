// `gatehouse audit ...`: read the hash-chained audit trail, verify it has not been tampered with, export it for a SIEM.
import { Option, type Command } from 'commander';
import type { AuditEventRecord, AuditListFilter } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { UserNotFound } from '../../users/errors.js';
import { withCommonOptions, withSealedStore, withStore, type CommonOptions, type ReadCommandContext } from '../context.js';
import { CommandFailed, EXIT, printResult, UsageError } from '../output.js';
import { parseLimit, parseWhen } from '../time-options.js';
import { exportAuditTrail } from './audit-export.js';
import { describeEvents, describeVerification, toAuditJson } from './audit-text.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;
const WHEN_HELP = 'ISO 8601 (2026-01-31T12:00:00Z) or a duration back from now (15m, 24h, 7d)';

interface ListOptions extends CommonOptions {
  readonly user?: string;
  readonly client?: string;
  readonly type?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: string;
}

interface ExportCommandOptions extends CommonOptions {
  readonly since?: string;
  readonly format?: string;
  readonly follow?: boolean;
}

/** The user id of `reference`: a username, a user id, or the id of a deleted user the trail still holds. */
async function resolveUserId(store: Store, reference: string): Promise<string> {
  const user = (await store.users.findByUsername(reference)) ?? (await store.users.findById(reference));
  if (user !== undefined) return user.userId;
  if ((await store.audit.list({ limit: 1, userId: reference })).length > 0) return reference;
  throw new UserNotFound(reference);
}

async function listFilter(context: ReadCommandContext, options: ListOptions): Promise<AuditListFilter> {
  const now = context.clock();
  const since = options.since === undefined ? undefined : parseWhen(options.since, now, '--since');
  const until = options.until === undefined ? undefined : parseWhen(options.until, now, '--until');
  if (since !== undefined && until !== undefined && since > until) throw new UsageError('--since is later than --until');
  return {
    limit: options.limit === undefined ? DEFAULT_LIMIT : parseLimit(options.limit, MAX_LIMIT, '--limit'),
    ...(options.user !== undefined && { userId: await resolveUserId(context.store, options.user) }),
    ...(options.client !== undefined && { clientId: options.client }),
    ...(options.type !== undefined && { type: options.type }),
    ...(since !== undefined && { since }),
    ...(until !== undefined && { until }),
  };
}

/** Usernames of the users among `events` who still exist, by user id. */
async function usernamesOf(store: Store, events: readonly AuditEventRecord[]): Promise<Map<string, string>> {
  const userIds = [...new Set(events.flatMap((event) => (event.userId === null ? [] : [event.userId])))];
  const users = await Promise.all(userIds.map((userId) => store.users.findById(userId)));
  return new Map(users.flatMap((user) => (user === undefined ? [] : [[user.userId, user.username] as const])));
}

function registerList(audit: Command): void {
  withCommonOptions(audit.command('list').description('list audit events, newest first'))
    .option('--user <username|id>', 'only events about this user')
    .option('--client <client_id>', 'only events about this client')
    .option('--type <type>', 'only events of this type, e.g. login.failed')
    .option('--since <when>', `only events at or after this time: ${WHEN_HELP}`)
    .option('--until <when>', `only events at or before this time: ${WHEN_HELP}`)
    .option('--limit <n>', `at most this many events (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .action(async (options: ListOptions) => {
      const { events, usernames } = await withStore(options, async (context) => {
        const events = await context.store.audit.list(await listFilter(context, options));
        return { events, usernames: await usernamesOf(context.store, events) };
      });
      const json = events.map((event) => ({ ...toAuditJson(event), username: event.userId === null ? null : (usernames.get(event.userId) ?? null) }));
      printResult(options, describeEvents(events, usernames), json);
    });
}

function registerVerify(audit: Command): void {
  const description = 'recompute the hash chain; exits 1 naming the first altered, inserted or deleted record';
  withCommonOptions(audit.command('verify').description(description)).action(async (options: CommonOptions) => {
    // Checking the head's seal takes the key-encryption secret, as appending does.
    const verification = await withSealedStore(options, (context) => context.store.audit.verifyChain());
    if (verification.intact || options.json) printResult(options, describeVerification(verification), verification);
    if (verification.intact) return;
    // With --json the report above is the output; the exit code still says the chain is broken.
    if (options.json) process.exitCode = EXIT.failed;
    else throw new CommandFailed(describeVerification(verification).join(' '), EXIT.failed);
  });
}

function registerExport(audit: Command): void {
  withCommonOptions(audit.command('export').description('print audit events as JSON lines, oldest first, for a SIEM'))
    .option('--since <when>', `only events at or after this time: ${WHEN_HELP}`)
    .addOption(new Option('--format <format>', 'output format (required)').choices(['jsonl']))
    .option('--follow', 'keep printing events as they are appended, until interrupted (SIGINT, SIGTERM)')
    .action(async (options: ExportCommandOptions) => {
      // Not a commander requiredOption: commander would report it missing before naming a mistyped flag.
      if (options.format === undefined) throw new UsageError('audit export needs --format jsonl');
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
      try {
        await withStore(options, (context) => {
          const since = options.since === undefined ? undefined : parseWhen(options.since, context.clock(), '--since');
          return exportAuditTrail(context.store, process.stdout, { follow: options.follow === true, stop: stop.signal, ...(since !== undefined && { since }) });
        });
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    });
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('read, verify and export the tamper-evident audit trail');
  registerList(audit);
  registerVerify(audit);
  registerExport(audit);
}
