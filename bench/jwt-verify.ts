// Micro-benchmark of access token verification: jose's jwtVerify (WebCrypto) against verifyJwt (node:crypto), over a
// JWKS like the one Gatehouse publishes (an active and a next key per algorithm). Prints µs per verify, median of rounds.
// Usage: node --import tsx bench/jwt-verify.ts [rounds=7] [verifies per round=2000]
import { loadavg } from 'node:os';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { SigningAlgorithm } from '../src/store/records.js';
import { signJwt } from '../src/tokens/jwt.js';
import { verifyJwt, type JwtVerificationOptions } from '../src/tokens/jwt-verification.js';
import { generateSigningKey } from '../src/tokens/keys/generate.js';
import { serialiseJwks } from '../src/tokens/keys/jwks.js';
import { createKeyEncryption } from '../src/tokens/keys/key-encryption.js';
import { importSigningKey, readPublicJwk, type SigningKey } from '../src/tokens/keys/signing-key.js';
import { PublishedVerificationKeys } from '../src/tokens/verification-keys.js';

const rounds = Number(process.argv[2] ?? 7);
const perRound = Number(process.argv[3] ?? 2000);
const ISSUER = 'https://issuer.example';
const ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'RS256', 'EdDSA'];

const encryption = createKeyEncryption('bench-jwt-verify-secret-0123456789abcdef0123');
const now = Math.floor(Date.now() / 1000);
const records = await Promise.all(ALGORITHMS.flatMap((alg) => [generateSigningKey(alg, encryption, now), generateSigningKey(alg, encryption, now)]));
const body = serialiseJwks(records.map(readPublicJwk)).body;
const josePublished = createLocalJWKSet(JSON.parse(body) as JSONWebKeySet);
const nodePublished = new PublishedVerificationKeys({ jwksJson: () => body });
const options: JwtVerificationOptions = {
  algorithms: [...ALGORITHMS],
  typ: 'at+jwt',
  issuer: ISSUER,
  audience: ISSUER,
  requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope', 'gid', 'auth_time'],
  clockTolerance: 30,
};
const joseOptions = { ...options, algorithms: [...options.algorithms], requiredClaims: [...options.requiredClaims] };

function accessToken(key: SigningKey): string {
  const claims = { iss: ISSUER, sub: 'user-1', aud: ISSUER, client_id: 'app', scope: 'openid profile email', exp: now + 600, iat: now, jti: crypto.randomUUID(), auth_time: now, gid: crypto.randomUUID() };
  return signJwt({ typ: 'at+jwt' }, claims, key);
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** µs of wall time and of process CPU time (every thread: WebCrypto verifies on libuv's pool) per call of `verify`. */
async function sample(verify: () => unknown): Promise<Sample> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < perRound; i += 1) await verify();
  const wall = Number(process.hrtime.bigint() - started) / 1000 / perRound;
  const { user, system } = process.cpuUsage(cpuBefore);
  return { wall, cpu: (user + system) / perRound };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (value: number): string => value.toFixed(1).padStart(6);

// On a shared machine wall time swings with the load; process CPU time per verify is the steadier measure of cost.
console.log(`node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}, ${rounds} interleaved rounds of ${perRound} verifies; median µs per verify, wall / CPU`);
for (const alg of ALGORITHMS) {
  const record = records.find((candidate) => candidate.alg === alg)!;
  const token = accessToken(importSigningKey(record, encryption));
  const jose: Sample[] = [];
  const node: Sample[] = [];
  // Interleaved, after a warm-up round, so both engines see the same load on a shared machine.
  for (let round = 0; round <= rounds; round += 1) {
    const joseSample = await sample(() => jwtVerify(token, josePublished, joseOptions));
    const nodeSample = await sample(() => verifyJwt(token, nodePublished.keys(), options));
    if (round === 0) continue;
    jose.push(joseSample);
    node.push(nodeSample);
  }
  const [joseWall, joseCpu, nodeWall, nodeCpu] = [jose.map((s) => s.wall), jose.map((s) => s.cpu), node.map((s) => s.wall), node.map((s) => s.cpu)].map(median) as [number, number, number, number];
  console.log(
    `${alg.padEnd(6)} jose jwtVerify ${format(joseWall)} / ${format(joseCpu)}   verifyJwt ${format(nodeWall)} / ${format(nodeCpu)}   wall ${(joseWall / nodeWall).toFixed(2)}×  CPU ${(joseCpu / nodeCpu).toFixed(2)}×`,
  );
}
