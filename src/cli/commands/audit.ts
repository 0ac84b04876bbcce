// `gatehouse audit ...`: read the hash-chained audit trail, verify it has not been tampered with, export it for a SIEM.
import { Option, type Command } from 'commander';
import type { AuditEventRecord, AuditListFilter } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { UserNotFound } from '../../users/errors.js';
import { withCommonOptions, withSealedStore, withStore, type CommonOptions, type ReadCommandContext } from '../context.js';
import { CommandFailed, EXIT, printResult, UsageError } from '../output.js';
import { parseLimit, parseSequence, parseWhen } from '../time-options.js';
import { exportAuditTrail, sequenceBefore } from './audit-export.js';
import { describeEvents, describeVerification, toAuditJson } from './audit-text.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 10_000;
const WHEN_HELP = 'ISO 8601 in UTC unless it names a zone (2026-01-31T12:00:00Z) or a duration back from now (15m, 24h, 7d)';
const ESCAPING_HELP = 'Control and invisible format characters in stored values (U+202E, U+200B, U+2028, C1 controls) are printed as \\u escapes (\\u202e), in the table and in JSON alike.';

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
  readonly after?: string;
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
  const since = options.since === undefined ? undefined : parseWhen(options.since, now, '--since', 'start of day');
  const until = options.until === undefined ? undefined : parseWhen(options.until, now, '--until', 'end of day');
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

/** Usernames of the users among `events` who still exist, by user id: one batched lookup, not one per row. */
async function usernamesOf(store: Store, events: readonly AuditEventRecord[]): Promise<Map<string, string>> {
  const users = await store.users.findByIds(events.flatMap((event) => (event.userId === null ? [] : [event.userId])));
  return new Map(users.map((user) => [user.userId, user.username]));
}

function registerList(audit: Command): void {
  withCommonOptions(audit.command('list').description('list audit events, newest first'))
    .option('--user <username|id>', 'only events about this user')
    .option('--client <client_id>', 'only events about this client')
    .option('--type <type>', 'only events of this type, e.g. login.failed')
    .option('--since <when>', `only events at or after this time (a date alone: from its first second): ${WHEN_HELP}`)
    .option('--until <when>', `only events at or before this time (a date alone: through its last second, so --until 2026-01-31 includes all of that day): ${WHEN_HELP}`)
    .option('--limit <n>', `at most this many events (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})`)
    .addHelpText('after', `\n${ESCAPING_HELP} A row whose stored details or time cannot be read is shown as "(invalid details)" or "(invalid time)" (with --json: null and detailsInvalid or occurredAtInvalid true); audit verify names it.`)
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

/** Where an export starts: after `--after`, or before the first event from `--since` on, or from the beginning. */
async function exportStart(context: ReadCommandContext, options: ExportCommandOptions): Promise<number> {
  if (options.after !== undefined) return parseSequence(options.after, '--after');
  if (options.since === undefined) return 0;
  return sequenceBefore(context.store, parseWhen(options.since, context.clock(), '--since', 'start of day'));
}

/** Runs the export; only a follow, which has no end of its own, turns SIGINT and SIGTERM into a clean stop (exit 0). */
async function runExport(options: ExportCommandOptions): Promise<void> {
  const follow = options.follow === true;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (follow) process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    await withStore(options, async (context) => {
      const after = await exportStart(context, options);
      await exportAuditTrail(context.store, process.stdout, { after, follow, stop: stop.signal });
    });
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

function registerExport(audit: Command): void {
  withCommonOptions(audit.command('export').description('print audit events as JSON lines, in sequence order, for a SIEM'))
    .option('--since <when>', `start at the first event (by sequence) at or after this time, then print every later one whatever its time: ${WHEN_HELP}`)
    .addOption(new Option('--after <sequence>', 'start after this sequence number (the last one a SIEM received)').conflicts('since'))
    .addOption(new Option('--format <format>', 'output format (required)').choices(['jsonl']))
    .option('--follow', 'keep printing events as they are appended, until SIGINT or SIGTERM (then exit 0 after the current line)')
    .addHelpText('after', `\n${ESCAPING_HELP} A row whose stored details or time cannot be read is printed with null and detailsInvalid or occurredAtInvalid true.`)
    .action(async (options: ExportCommandOptions) => {
      // Not a commander requiredOption: commander would report it missing before naming a mistyped flag.
      if (options.format === undefined) throw new UsageError('audit export needs --format jsonl');
      await runExport(options);
    });
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('read, verify and export the tamper-evident audit trail');
  registerList(audit);
  registerVerify(audit);
  registerExport(audit);
}
