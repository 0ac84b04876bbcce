// Differential test: verifyJwt and jose's jwtVerify, given the same keys and options, agree on every generated token
// (signed by jose's SignJWT, then mutated): the same verdict, and the same claims when they accept. verifyJwt may
// refuse where jose accepts only for its documented strictness: non-canonical base64url, or a crit header.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify, SignJWT, type JSONWebKeySet, type JWTVerifyOptions } from 'jose';
import { JwtRejected, verifyJwt, type JwtVerificationOptions } from '../../src/tokens/jwt-verification.js';
import { PublishedVerificationKeys, type PublishedKeyVersion } from '../../src/tokens/verification-keys.js';
import { ISSUER, NOW, TOLERANCE, craftJwt, makeKey, publishedKeys, type TestKey } from './jwt-verification-fixtures.js';

const RUNS = 500;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ABSENT = Symbol('absent');

let signers: readonly TestKey[];
let mine: PublishedKeyVersion;
let jose: ReturnType<typeof createLocalJWKSet>;

before(async () => {
  const [es256, es256Next, rs256, eddsa, foreign] = await Promise.all([makeKey('ES256'), makeKey('ES256'), makeKey('RS256'), makeKey('EdDSA'), makeKey('ES256')]);
  signers = [es256, es256Next, rs256, eddsa, foreign];
  const document = publishedKeys([es256.jwk, es256Next.jwk, rs256.jwk, eddsa.jwk]);
  mine = new PublishedVerificationKeys(document).keys();
  jose = createLocalJWKSet(JSON.parse(document.jwksJson()) as JSONWebKeySet);
});

/** Usually `usual` (so that a fair share of tokens is valid), otherwise one of `alternatives`. */
const mostly = <T>(usual: T, ...alternatives: T[]) => fc.oneof({ weight: 9, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...alternatives) });

/** What to sign: header and claims members (ABSENT leaves one out), and which key signs (the last is not published). */
const recipe = fc.record({
  signer: fc.oneof({ weight: 9, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.constant(4) }),
  alg: mostly<string | typeof ABSENT>('signer', 'ES256', 'RS256', 'EdDSA', 'none', 'HS256', ABSENT),
  kid: mostly<string | number | typeof ABSENT>('signer', 'other', 'unknown', 42, ABSENT),
  typ: mostly<string | number | typeof ABSENT>('at+jwt', 'AT+JWT', 'application/at+jwt', 'JWT', 'application/jwt', 'at+jwt ', 7, ABSENT),
  crit: mostly('none', 'b64', 'exp', 'b64 false without crit'),
  iss: mostly<unknown>(ISSUER, 'https://other.example', [ISSUER], ABSENT),
  aud: mostly<unknown>(ISSUER, ['https://api.example', ISSUER], 'https://api.example', ['https://api.example'], 5, ABSENT),
  exp: mostly<unknown>(NOW + 600, NOW - TOLERANCE - 1, NOW - TOLERANCE, NOW - TOLERANCE + 1, String(NOW + 600), null, ABSENT),
  nbf: mostly<unknown>(ABSENT, NOW + TOLERANCE, NOW + TOLERANCE + 1, NOW - 10, 'soon'),
  iat: mostly<unknown>(NOW, NOW + 3600, String(NOW), ABSENT),
  sub: mostly<unknown>('user-1', 7, ABSENT),
  gid: mostly<unknown>('family-1', ABSENT),
});

/** What happens to the signed token: nothing (often), or a change to its text; `segment`, `position`, `char` say where and what. */
const mutation = fc.record({
  kind: mostly<'none' | 'replace' | 'pad' | 'space' | 'drop last' | 'drop first' | 'resign payload' | 'extra segment' | 'swap signature'>('none', 'replace', 'replace', 'replace', 'pad', 'space', 'drop last', 'drop first', 'resign payload', 'extra segment', 'swap signature'),
  segment: fc.nat(2),
  position: fc.nat(2000),
  char: fc.constantFrom(...BASE64URL, '+', '/', '=', ' ', '\n', '.', 'é'),
});

/** Options as AccessTokenVerifier passes them: verify (audience, user claims) or inspect (any audience). */
const shape = fc.record({ inspect: fc.boolean(), onlyEs256: fc.boolean() });

type Recipe = typeof recipe extends fc.Arbitrary<infer T> ? T : never;
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function present(members: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(members).filter(([, value]) => value !== ABSENT));
}

async function sign(spec: Recipe): Promise<string> {
  const signer = signers[spec.signer]!;
  const others = signers.filter((key) => key !== signer);
  const kid = spec.kid === 'signer' ? signer.kid : spec.kid === 'other' ? others[0]!.kid : spec.kid;
  const alg = spec.alg === 'signer' ? signer.alg : spec.alg;
  const crit = { none: {}, b64: { crit: ['b64'], b64: true }, exp: { crit: ['exp'], exp: NOW }, 'b64 false without crit': { b64: false } }[spec.crit];
  const header = present({ alg, kid, typ: spec.typ, ...crit });
  const { iss, aud, exp, nbf, iat, sub, gid } = spec;
  const payload = present({ iss, aud, exp, nbf, iat, sub, gid, jti: 'token-1', client_id: 'app', scope: 'openid', auth_time: NOW });
  if (alg === 'none') return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
  // jose signs only a header whose alg fits the key; any other header is what an attacker would craft by hand.
  if (alg !== signer.alg) return craftJwt(header, payload, signer);
  return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(signer.privateKey, { crit: { exp: true } });
}

function mutate(token: string, change: Mutation, other: string): string {
  const segments = token.split('.');
  if (change.kind === 'none') return token;
  if (change.kind === 'extra segment') return `${token}.${segments[2]}`;
  if (change.kind === 'swap signature') return `${segments[0]}.${segments[1]}.${other.split('.')[2]}`;
  if (change.kind === 'resign payload') {
    const claims = JSON.parse(Buffer.from(segments[1]!, 'base64url').toString()) as Record<string, unknown>;
    return `${segments[0]}.${Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url')}.${segments[2]}`;
  }
  const text = segments[change.segment]!;
  const at = change.position % Math.max(text.length, 1);
  const edits = {
    replace: () => text.slice(0, at) + change.char + text.slice(at + 1),
    pad: () => `${text}=`,
    space: () => `${text.slice(0, 4)} ${text.slice(4)}`,
    'drop last': () => text.slice(0, -1),
    'drop first': () => text.slice(1),
  } as const;
  segments[change.segment] = edits[change.kind]();
  return segments.join('.');
}

/** RFC 7515 §2 canonical base64url, judged independently of verifyJwt: the alphabet, and zero bits after the last byte. */
function isCanonical(segment: string): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) return false;
  const last = segment.at(-1) ?? 'A';
  if (segment.length % 4 === 1) return false;
  if (segment.length % 4 === 2) return 'AQgw'.includes(last);
  if (segment.length % 4 === 3) return 'AEIMQUYcgkosw048'.includes(last);
  return true;
}

/** Where verifyJwt is stricter than jose by design. */
function stricterByDesign(token: string): boolean {
  const segments = token.split('.');
  if (!segments.every(isCanonical)) return true;
  try {
    return (JSON.parse(Buffer.from(segments[0]!, 'base64url').toString()) as { crit?: unknown }).crit !== undefined;
  } catch {
    return false;
  }
}

type Verdict = { readonly accepted: unknown } | { readonly refused: string };

describe('verifyJwt against jose jwtVerify', () => {
  it(`agrees on ${RUNS} generated and mutated tokens`, async (t) => {
    const tally = { accepted: 0, refused: 0, stricter: 0 };
    await fc.assert(
      fc.asyncProperty(recipe, mutation, recipe, shape, async (spec, change, otherSpec, { inspect, onlyEs256 }) => {
        const token = mutate(await sign(spec), change, await sign(otherSpec));
        const options: JwtVerificationOptions = {
          algorithms: onlyEs256 ? ['ES256'] : mine.algorithms,
          typ: 'at+jwt',
          issuer: ISSUER,
          ...(inspect ? {} : { audience: ISSUER }),
          requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id', 'scope', ...(inspect ? [] : ['gid', 'auth_time'])],
          clockTolerance: TOLERANCE,
          now: NOW,
        };
        const joseOptions: JWTVerifyOptions = { ...options, algorithms: [...options.algorithms], requiredClaims: [...options.requiredClaims], currentDate: new Date(NOW * 1000) };
        const theirs: Verdict = await jwtVerify(token, jose, joseOptions).then(
          ({ payload }) => ({ accepted: payload }),
          (error: { code?: string }) => ({ refused: error.code ?? 'no code' }),
        );
        let ours: Verdict;
        try {
          ours = { accepted: verifyJwt(token, mine, options) };
        } catch (error) {
          if (!(error instanceof JwtRejected)) throw error;
          ours = { refused: error.reason };
        }
        if ('refused' in ours && 'accepted' in theirs && stricterByDesign(token)) {
          assert.ok(['malformed', 'header', 'critical'].includes(ours.refused), `refused for ${ours.refused}`);
          tally.stricter += 1;
          return;
        }
        assert.equal('accepted' in ours, 'accepted' in theirs, `verifyJwt ${JSON.stringify(ours)}, jose ${JSON.stringify(theirs)}`);
        if ('accepted' in ours && 'accepted' in theirs) assert.deepEqual(ours.accepted, theirs.accepted);
        tally['accepted' in ours ? 'accepted' : 'refused'] += 1;
      }),
      { numRuns: RUNS },
    );
    // The generator must reach both verdicts, or agreement would prove little.
    t.diagnostic(`verdicts: ${JSON.stringify(tally)}`);
    assert.ok(tally.accepted > RUNS / 50 && tally.refused > RUNS / 50, JSON.stringify(tally));
  });
});
