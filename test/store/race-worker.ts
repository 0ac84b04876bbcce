// A separate process racing others on one database: opens the store, says "ready", waits for "go", prints its outcomes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers/promises';
import { migrateStore, openStore } from '../../src/store/open.js';
import type { RefreshTokenRecord } from '../../src/store/records.js';
import { StoreUnavailableError, type Store } from '../../src/store/store.js';

/** What the parent asks of each racing process (passed as JSON in RACE_TASK). */
export type RaceTask =
  | { readonly operation: 'migrate'; readonly databaseUrl: string; readonly dataDir: string }
  | {
      readonly operation: 'redeem';
      readonly databaseUrl: string;
      readonly dataDir: string;
      readonly codeHash: string;
      readonly refreshTokenHash: string;
      readonly attempts: number;
      readonly now: number;
    };

const task = JSON.parse(process.env.RACE_TASK ?? '{}') as RaceTask;
const lines = createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.once('line', () => resolve()));

async function ready(): Promise<void> {
  process.stdout.write('ready\n');
  await go;
}

/**
 * Opens the store and reads the token to race on as many times at once as there will be attempts, so a PostgreSQL
 * pool holds its connections before the race rather than opening them during it. Other test files share the
 * server's connection limit: a connection refused now is tried again, where one refused mid-race would end the race.
 */
async function openForEveryAttempt(redeem: Extract<RaceTask, { operation: 'redeem' }>): Promise<{ store: Store; presented: RefreshTokenRecord | undefined }> {
  for (let tries = 1; ; tries++) {
    let store: Store | undefined;
    try {
      store = await openStore(redeem);
      const opened = store;
      const [presented] = await Promise.all(Array.from({ length: redeem.attempts }, () => opened.refreshTokens.findByHash(redeem.refreshTokenHash)));
      return { store, presented };
    } catch (error) {
      await store?.close();
      if (!(error instanceof StoreUnavailableError) || tries === 10) throw error;
      await setTimeout(500);
    }
  }
}

/** Outcomes as `code:<outcome>` and `refresh:<outcome>`, or applied migration names. */
async function race(): Promise<readonly string[]> {
  if (task.operation === 'migrate') {
    await ready();
    return (await migrateStore(task)).applied;
  }
  const { store, presented } = await openForEveryAttempt(task);
  try {
    if (presented === undefined) throw new Error('the refresh token to race on does not exist');
    await ready();
    const attempts = Array.from({ length: task.attempts }, async () => {
      const successor = { ...presented, tokenHash: randomBytes(16).toString('base64url'), rotatedAt: null };
      const rotation = { tokenHash: task.refreshTokenHash, successor, firstUse: { ip: null, userAgent: null }, retry: null, now: task.now };
      const [code, refresh] = await Promise.all([
        store.authorizationCodes.consume(task.codeHash, task.now),
        store.refreshTokens.rotate(rotation),
      ]);
      return [`code:${code.outcome}`, `refresh:${refresh.outcome}`];
    });
    return (await Promise.all(attempts)).flat();
  } finally {
    await store.close();
  }
}

race().then(
  (results) => process.stdout.write(`${JSON.stringify(results)}\n`),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
).finally(() => lines.close());
