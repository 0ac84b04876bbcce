// `gatehouse keys ...`: list the signing keys and rotate them on demand; never shows private material.
import type { Command } from 'commander';
import { createLogger } from '../../observability/logger.js';
import type { KeyInfo, KeyRing } from '../../tokens/keys/key-ring.js';
import { withCommonOptions, withStore, type CommandContext, type CommonOptions } from '../context.js';
import { printNote, printResult } from '../output.js';
import { formatTable } from '../table.js';

const timestamp = (epochSeconds: number | null): string => (epochSeconds === null ? '-' : new Date(epochSeconds * 1000).toISOString());

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

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('manage the token signing keys');

  withCommonOptions(keys.command('list').description('list signing keys: next, active and retired')).action(async (options: CommonOptions) => {
    const list = await withStore(options, async (context) => (await openCommandKeyRing(context)).list());
    printResult(options, describeKeys(list), list.map(toKeyJson));
  });

  withCommonOptions(keys.command('rotate').description('make the next key active now and retire the active one')).action(async (options: CommonOptions) => {
    const { list, rotated } = await withStore(options, async (context) => {
      const keyRing = await openCommandKeyRing(context);
      const rotated = await keyRing.rotate(context.clock(), context.eventContext);
      return { list: await keyRing.list(), rotated };
    });
    const active = list.find((key) => key.status === 'active');
    const next = list.find((key) => key.status === 'next');
    if (active === undefined) throw new Error('no active signing key after rotation');
    const human = rotated
      ? `rotated: ${active.kid} is the active signing key`
      : `another instance rotated at the same moment: ${active.kid} is the active signing key`;
    printResult(options, human, { rotated, active_kid: active.kid, next_kid: next?.kid ?? null });
  });
}
