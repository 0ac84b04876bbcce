// Times the refresh grant's store calls through the repository (SQLite on /dev/shm, so no fsync): µs per call, median of rounds.
// CPU time is reported beside wall time: on a shared machine it is the steadier of the two.
// Usage: node --import tsx bench/prepared-queries.ts [rounds=15] [callsPerRound=2000]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../src/store/open.js';
import type { RefreshTokenRecord, TokenFamilyRecord } from '../src/store/records.js';
import type { Store } from '../src/store/store.js';

const rounds = Number(process.argv[2] ?? 15);
const callsPerRound = Number(process.argv[3] ?? 2000);
const NOW = 1_700_000_000;
const dataDir = mkdtempSync(join('/dev/shm', 'gatehouse-bench-'));
const hash = (): string => randomBytes(32).toString('base64url');

async function seedFamily(store: Store): Promise<TokenFamilyRecord> {
  const clientId = 'bench-client';
  const userId = 'bench-user';
  await store.clients.create({
    clientId, clientName: 'Bench', clientType: 'confidential', tokenEndpointAuthMethod: 'client_secret_basic', redirectUris: ['https://app.example/cb'],
    postLogoutRedirectUris: [], grantTypes: ['authorization_code', 'refresh_token'], scope: 'openid offline_access', firstParty: false,
    idTokenSignedResponseAlg: 'ES256', backchannelLogoutUri: null, requirePushedAuthorizationRequests: false, secretHash: 'x', previousSecretHash: null,
    previousSecretExpiresAt: null, jwks: null, jwksUri: null, dpopBoundAccessTokens: false, createdAt: NOW, updatedAt: NOW,
  });
  await store.users.create({
    userId, username: 'bench', email: null, emailVerified: false, name: null, passwordHash: 'x', disabledAt: null, admin: false, createdAt: NOW, updatedAt: NOW,
  });
  const family: TokenFamilyRecord = {
    familyId: 'bench-family', clientId, userId, scope: 'openid offline_access', sessionId: 'sid', authTime: NOW, authorizationCodeHash: hash(), resources: [],
    apiScope: '', dpopJkt: null, createdAt: NOW, expiresAt: NOW + 86_400 * 365, revokedAt: null, revokedReason: null, context: null,
  };
  await store.refreshTokens.createFamily(family);
  return family;
}

const tokenOf = (family: TokenFamilyRecord): RefreshTokenRecord => ({
  tokenHash: hash(), familyId: family.familyId, clientId: family.clientId, scope: family.scope, issuedAt: NOW, expiresAt: NOW + 86_400, rotatedAt: null,
});

const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Median wall and CPU µs per call over `rounds` rounds of `callsPerRound` calls, after one warm-up round. */
async function time(call: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = -1; round < rounds; round += 1) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (let index = 0; index < callsPerRound; index += 1) await call();
    const { user, system } = process.cpuUsage(cpuStarted);
    if (round < 0) continue;
    wall.push(((performance.now() - started) * 1000) / callsPerRound);
    cpu.push((user + system) / callsPerRound);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const store = await openStore({ databaseUrl: `sqlite:${join(dataDir, 'gatehouse.db')}`, dataDir });
try {
  const family = await seedFamily(store);
  const live = tokenOf(family);
  await store.refreshTokens.create(live);
  let current = live;
  const results = {
    'refreshTokens.findByHash': await time(() => store.refreshTokens.findByHash(live.tokenHash)),
    'refreshTokens.findFamily': await time(() => store.refreshTokens.findFamily(family.familyId)),
    // Each rotation presents the previous one's successor, as a client does: update, successor insert, one transaction.
    'refreshTokens.rotate': await time(async () => {
      const successor = tokenOf(family);
      const retry = { retryUntil: NOW + 5, fingerprint: 'fingerprint', encryptedResponse: 'v1.kek.iv.tag.ciphertext' };
      const result = await store.refreshTokens.rotate({ tokenHash: current.tokenHash, successor, firstUse: { ip: '192.0.2.1', userAgent: 'bench' }, retry, now: NOW });
      if (result.outcome !== 'redeemed') throw new Error(`rotation ${result.outcome}`);
      current = successor;
    }),
  };
  for (const [name, { wall, cpu }] of Object.entries(results)) {
    console.log(`${name.padEnd(28)} wall ${wall.toFixed(1).padStart(6)} µs/call  cpu ${cpu.toFixed(1).padStart(6)} µs/call  (medians of ${rounds} rounds)`);
  }
} finally {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}
