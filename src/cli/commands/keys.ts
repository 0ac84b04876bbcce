// `gatehouse keys ...`: list the signing keys and rotate them on demand; never shows private material.
import { Option, type Command } from 'commander';
import { createLogger } from '../../observability/logger.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../store/records.js';
import type { KeyInfo, KeyRing } from '../../tokens/keys/key-ring.js';
import { withCommonOptions, withSealedStore, type CommandContext, type CommonOptions } from '../context.js';
import { printNote, printResult, UsageError } from '../output.js';
import { formatTable, formatTime } from '../table.js';

const timestamp = (epochSeconds: number | null): string => (epochSeconds === null ? '-' : formatTime(epochSeconds));

async function openCommandKeyRing(context: CommandContext): Promise<KeyRing> {
  // Logs (the dev-mode "generated a secret" warning) go to stderr, keeping stdout for the result.
  const logger = createLogger(context.config.logLevel, process.stderr);
  // Loaded on use, like the store: other commands need no key material code.
  const [{ KeyRing }, { resolveKeyEncryption }] = await Promise.all([import('../../tokens/keys/key-ring.js'), import('../../tokens/keys/resolve.js')]);
  return new KeyRing({
    signingKeys: context.store.signingKeys,
    keys: context.config.keys,
    tokens: context.config.tokens,
    encryption: await resolveKeyEncryption(context.config, logger),
    events: context.events,
    clock: context.clock,
    // The CLI never starts the refresh timer.
    onTimerError: (error) => printNote(`key refresh failed: ${String(error)}`),
  });
}

function toKeyJson(key: KeyInfo): Record<string, unknown> {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
    publish_until: key.publishUntil,
  };
}

function describeKeys(keys: readonly KeyInfo[]): string[] {
  if (keys.length === 0) return ['no signing keys yet (they are created by `gatehouse serve` or `gatehouse keys rotate`)'];
  return formatTable(
    ['KID', 'ALG', 'STATUS', 'CREATED', 'ACTIVATED', 'PUBLISHED_UNTIL'],
    keys.map((key) => [key.kid, key.alg, key.status, timestamp(key.createdAt), timestamp(key.activatedAt), key.status === 'retired' ? timestamp(key.publishUntil) : '-']),
  );
}

interface RotateOptions extends CommonOptions {
  readonly algorithm?: SigningAlgorithm;
}

/** Where one algorithm stands after `keys rotate`. */
interface AlgorithmOutcome {
  readonly alg: SigningAlgorithm;
  readonly rotated: boolean;
  readonly activeKid: string;
  readonly nextKid: string | null;
}

function outcomesOf(algorithms: readonly SigningAlgorithm[], rotated: readonly SigningAlgorithm[], list: readonly KeyInfo[]): AlgorithmOutcome[] {
  return algorithms.map((alg) => {
    const active = list.find((key) => key.alg === alg && key.status === 'active');
    if (active === undefined) throw new Error(`no active ${alg} signing key after rotation`);
    const next = list.find((key) => key.alg === alg && key.status === 'next');
    return { alg, rotated: rotated.includes(alg), activeKid: active.kid, nextKid: next?.kid ?? null };
  });
}

function describeOutcome({ alg, rotated, activeKid }: AlgorithmOutcome): string {
  return rotated
    ? `rotated ${alg}: ${activeKid} is the active signing key`
    : `another instance rotated ${alg} at the same moment: ${activeKid} is the active signing key`;
}

function registerRotate(keys: Command): void {
  const description = 'for each algorithm in keys.algorithms (or only --algorithm): make the next key active now and retire the active one';
  withCommonOptions(keys.command('rotate').description(description))
    .addOption(new Option('--algorithm <alg>', 'rotate only this algorithm').choices(SIGNING_ALGORITHMS))
    .action(async (options: RotateOptions) => {
      const outcomes = await withSealedStore(options, async (context) => {
        const keyRing = await openCommandKeyRing(context);
        const configured = context.config.keys.algorithms;
        if (options.algorithm !== undefined && !configured.includes(options.algorithm)) {
          throw new UsageError(`${options.algorithm} is not in keys.algorithms (${configured.join(', ')}), so it has no keys to rotate`);
        }
        const algorithms = options.algorithm === undefined ? configured : [options.algorithm];
        const rotated = await keyRing.rotate(context.clock(), context.eventContext, algorithms);
        return outcomesOf(algorithms, rotated, await keyRing.list());
      });
      const json = outcomes.map(({ alg, rotated, activeKid, nextKid }) => ({ alg, rotated, active_kid: activeKid, next_kid: nextKid }));
      printResult(options, outcomes.map(describeOutcome), json);
    });
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage the token signing keys');

  withCommonOptions(keys.command('list').description('list signing keys: next, active and retired')).action(async (options: CommonOptions) => {
    // The key ring needs the key-encryption secret anyway; with it, the store can seal what the ring might audit.
    const list = await withSealedStore(options, async (context) => (await openCommandKeyRing(context)).list());
    printResult(options, describeKeys(list), list.map(toKeyJson));
  });

  registerRotate(keys);
}
