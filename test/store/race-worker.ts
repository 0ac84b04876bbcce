// A separate process racing others on one database: opens the store, says "ready", waits for "go", prints its outcomes.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { migrateStore, openStore } from '../../src/store/open.js';

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

/** Outcomes as `code:<outcome>` and `refresh:<outcome>`, or applied migration names. */
async function race(): Promise<readonly string[]> {
  if (task.operation === 'migrate') {
    await ready();
    return (await migrateStore(task)).applied;
  }
  const store = await openStore(task);
  try {
    const presented = await store.refreshTokens.findByHash(task.refreshTokenHash);
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
