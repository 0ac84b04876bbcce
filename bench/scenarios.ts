// The scenarios: what each registers, what it prepares before measuring, and its one operation. Every operation uses
// material no other operation used (a refresh token chain per worker, a fresh PKCE pair and code per flow, a person
// and client pair never consented before), so nothing is measured through a cache of a single answer.
import { MaterialExhausted, type Operation } from './load.js';
import { Browser, type LoopbackHttp } from './http.js';
import { machineClient, person, userClient, type Material } from './material.js';
import { API_RESOURCE, API_SCOPE, type AuthorizationRequest, type Protocol } from './protocol.js';
import type { TargetName } from './targets/target.js';

export const SCENARIO_IDS = ['S1', 'S2', 'S3', 'S3-RS256', 'S4', 'S5', 'S6'] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export interface Plan {
  readonly concurrency: number;
  /** Distinct access tokens to prepare for S4 and S5. */
  readonly tokenPoolSize: number;
  /** Logins S6 may run at most (warm-up and every run), each with a person and client pair never consented before. */
  readonly loginsNeeded: number;
}

export interface PreparationContext {
  readonly protocol: Protocol;
  readonly http: LoopbackHttp;
  readonly plan: Plan;
  readonly target: TargetName;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** The database writes per operation are worth reporting (on PostgreSQL). */
  readonly countsWrites: boolean;
  material(plan: Plan): Material;
  prepare(context: PreparationContext): Promise<Operation>;
}

const MAIN_PERSON = person('bench');
const S6_PEOPLE = 32;
const s6PeopleCount = (plan: Plan): number => Math.min(S6_PEOPLE, plan.loginsNeeded);
const s6ClientCount = (plan: Plan): number => Math.ceil(plan.loginsNeeded / s6PeopleCount(plan));
const userScope = 'openid profile email';

/** Runs `count` tasks, `concurrency` at a time, collecting their results in order. */
async function prepareEach<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    for (let index = next++; index < count; index = next++) results[index] = await task(index);
  }));
  return results;
}

/** One signed-in browser per worker, each with its own session (and consent) for `request`'s client. */
function signedInBrowsers(context: PreparationContext, request: AuthorizationRequest): Promise<Browser[]> {
  return prepareEach(context.plan.concurrency, 8, async () => {
    const browser = new Browser(context.http);
    await context.protocol.authorize(browser, request, MAIN_PERSON);
    return browser;
  });
}

function silentReauthentication(id: 'S3' | 'S3-RS256', clientId: string, alg: 'ES256' | 'RS256'): Scenario {
  return {
    id,
    title: `silent re-authentication (prompt=none), code + PKCE exchange, ${alg} ID token`,
    countsWrites: id === 'S3',
    material: () => ({ clients: [userClient(clientId, alg)], people: [MAIN_PERSON] }),
    async prepare(context) {
      const request: AuthorizationRequest = { client: userClient(clientId, alg), scope: `${userScope} ${API_SCOPE}`, resource: API_RESOURCE };
      const browsers = await signedInBrowsers(context, request);
      return async (worker) => {
        const tokens = await context.protocol.authorize(browsers[worker]!, { ...request, prompt: 'none' });
        if (tokens.id_token === undefined) throw new Error('no ID token');
      };
    },
  };
}

/**
 * Distinct access tokens of a person for the server's own userinfo (no resource: node-oidc-provider makes these
 * opaque, the only kind it introspects or accepts at userinfo), taken from refresh token chains.
 */
async function accessTokenPool(context: PreparationContext): Promise<string[]> {
  const client = userClient('bench-pool', 'ES256', false);
  const request: AuthorizationRequest = { client, scope: `${userScope} offline_access`, prompt: 'consent' };
  const perChain = Math.ceil(context.plan.tokenPoolSize / context.plan.concurrency);
  const chains = await prepareEach(context.plan.concurrency, 8, async () => {
    let tokens = await context.protocol.authorize(new Browser(context.http), request, MAIN_PERSON);
    const accessTokens = [tokens.access_token];
    while (accessTokens.length < perChain) {
      tokens = await context.protocol.refresh(client, tokens.refresh_token ?? '');
      accessTokens.push(tokens.access_token);
    }
    return accessTokens;
  });
  return chains.flat();
}

/** The pool in turn, one token per operation. */
function tokenPoolOperation(pool: readonly string[], use: (token: string) => Promise<void>): Operation {
  let next = 0;
  return (_worker) => use(pool[next++ % pool.length]!);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'S1',
    title: 'client credentials grant (JWT access token for an API)',
    countsWrites: false,
    material: () => ({ clients: [machineClient('bench-machine')], people: [] }),
    prepare: ({ protocol }) => Promise.resolve(async () => void (await protocol.clientCredentials(machineClient('bench-machine')))),
  },
  {
    id: 'S2',
    title: 'refresh with rotation, one chain per worker (JWT access token, ID token, new refresh token)',
    countsWrites: true,
    material: () => ({ clients: [userClient('bench-web')], people: [MAIN_PERSON] }),
    async prepare(context) {
      const client = userClient('bench-web');
      const request: AuthorizationRequest = { client, scope: `${userScope} offline_access ${API_SCOPE}`, resource: API_RESOURCE, prompt: 'consent' };
      const chains = await prepareEach(context.plan.concurrency, 8, async () => {
        const tokens = await context.protocol.authorize(new Browser(context.http), request, MAIN_PERSON);
        if (tokens.refresh_token === undefined) throw new Error('no refresh token to start a chain');
        return tokens.refresh_token;
      });
      return async (worker) => {
        const tokens = await context.protocol.refresh(client, chains[worker]!, API_RESOURCE);
        if (tokens.refresh_token === undefined || tokens.id_token === undefined) throw new Error('refresh answered without a new refresh token and an ID token');
        chains[worker] = tokens.refresh_token;
      };
    },
  },
  silentReauthentication('S3', 'bench-web', 'ES256'),
  silentReauthentication('S3-RS256', 'bench-web-rs256', 'RS256'),
  {
    id: 'S4',
    title: 'token introspection (RFC 7662) of distinct access tokens',
    countsWrites: false,
    material: () => ({ clients: [userClient('bench-pool', 'ES256', false)], people: [MAIN_PERSON] }),
    async prepare(context) {
      const pool = await accessTokenPool(context);
      const client = userClient('bench-pool', 'ES256', false);
      return tokenPoolOperation(pool, (token) => context.protocol.introspect(client, token));
    },
  },
  {
    id: 'S5',
    title: 'userinfo with distinct access tokens',
    countsWrites: false,
    material: () => ({ clients: [userClient('bench-pool', 'ES256', false)], people: [MAIN_PERSON] }),
    async prepare(context) {
      const pool = await accessTokenPool(context);
      return tokenPoolOperation(pool, (token) => context.protocol.userinfo(token));
    },
  },
  {
    id: 'S6',
    title: 'password login (argon2id m=19 MiB t=2 p=1) + consent + code exchange',
    countsWrites: true,
    material: (plan) => ({
      clients: Array.from({ length: s6ClientCount(plan) }, (_, index) => userClient(`bench-login-${index}`)),
      people: Array.from({ length: s6PeopleCount(plan) }, (_, index) => person(`bench-${index}`)),
    }),
    prepare(context) {
      const people = s6PeopleCount(context.plan);
      const pairs = people * s6ClientCount(context.plan);
      let next = 0;
      return Promise.resolve(async () => {
        const index = next++;
        // The ceiling keeps no consent, so it may go round; a real server must see a pair it never saw.
        if (index >= pairs && context.target !== 'node:http') throw new MaterialExhausted('person and client pairs for S6');
        const pair = index % pairs;
        const request: AuthorizationRequest = {
          client: userClient(`bench-login-${Math.floor(pair / people)}`), scope: `${userScope} ${API_SCOPE}`, resource: API_RESOURCE,
        };
        const tokens = await context.protocol.authorize(new Browser(context.http), request, person(`bench-${pair % people}`));
        if (tokens.id_token === undefined) throw new Error('no ID token');
      });
    },
  },
];
