// Dev mode only: on an empty database, a demo user (an admin, so the ops dashboard opens too) and a demo client so the
// flow can be tried at once; on a later start, a reminder of how to use them (never the secret, which only the first start knew).
import { ClientRegistrationService } from '../clients/registration.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { EventBus } from '../observability/events.js';
import type { Store } from '../store/store.js';
import { generateOpaqueValue } from '../tokens/opaque.js';
import { UserService } from '../users/service.js';

export const DEMO_USERNAME = 'demo';
export const DEMO_CLIENT_NAME = 'Demo App';
export const DEMO_REDIRECT_URI = 'http://localhost:3000/callback';
// RFC 7636 Appendix B's example pair: fine for a walkthrough, never for a real client.
export const DEMO_CODE_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const DEMO_CODE_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const DEMO_SCOPE = 'openid profile email offline_access';

/** The authorization URL a person can open to walk through the flow with the demo client. */
export function demoAuthorizationUrl(issuer: string, clientId: string): string {
  const url = new URL(`${issuer}/authorize`);
  const parameters = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: DEMO_REDIRECT_URI,
    scope: DEMO_SCOPE,
    state: 'demo',
    code_challenge: DEMO_CODE_CHALLENGE,
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
  return url.href;
}

export interface SeedDemoOptions {
  readonly store: Store;
  readonly config: Pick<Config, 'issuer' | 'clientSecretGracePeriod'>;
  readonly events: EventBus;
  readonly clock: Clock;
  /** Where the one-time credentials go: the terminal, never the log. */
  readonly print: (text: string) => void;
}

/** Seeds an empty database, or reminds the person of the demo client seeded before; says which it did. */
export async function presentDemo(options: SeedDemoOptions): Promise<'seeded' | 'reminded' | 'nothing'> {
  if (await seedDemo(options)) return 'seeded';
  const client = await options.store.clients.findByName(DEMO_CLIENT_NAME);
  if (client === undefined) return 'nothing';
  options.print(demoReminder(options.config.issuer, client.clientId));
  return 'reminded';
}

function demoReminder(issuer: string, clientId: string): string {
  return [
    '',
    `Dev mode: the demo client from the first start (its secret was shown then; only its hash is kept):`,
    `  client_id:     ${clientId}`,
    `  new secret:    npx gatehouse clients rotate-secret ${clientId}`,
    `  user:          ${DEMO_USERNAME} (new password: npx gatehouse users set-password ${DEMO_USERNAME})`,
    `  discovery:     ${issuer}/.well-known/openid-configuration`,
    `  ops dashboard: ${issuer}/admin (the demo user is an admin)`,
    '',
    'Try the flow: open this URL, sign in as demo and allow access:',
    `  ${demoAuthorizationUrl(issuer, clientId)}`,
    '',
  ].join('\n');
}

/** Seeds only a database with no users and no clients; returns whether it did. */
async function seedDemo({ store, config, events, clock, print }: SeedDemoOptions): Promise<boolean> {
  const [users, clients] = await Promise.all([store.users.list(), store.clients.list()]);
  if (users.length > 0 || clients.length > 0) return false;

  const context = { actor: 'dev-seed' };
  const password = generateOpaqueValue(16);
  const user = await new UserService({ store, events, context, clock }).create({ username: DEMO_USERNAME, password, name: 'Demo User', email: 'demo@example.com', admin: true });
  const { client, clientSecret } = await new ClientRegistrationService({
    store,
    events,
    context,
    clock,
    clientSecretGracePeriod: config.clientSecretGracePeriod,
  }).create({
    clientName: DEMO_CLIENT_NAME,
    clientType: 'confidential',
    redirectUris: [DEMO_REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: DEMO_SCOPE,
  });
  events.emit({ type: 'demo.seeded', clientId: client.clientId, userId: user.userId }, context);
  print(
    [
      '',
      'Dev mode: created a demo user and a demo client (shown once; this database is not empty any more):',
      `  user:          ${DEMO_USERNAME} / ${password}`,
      `  client_id:     ${client.clientId}`,
      `  client_secret: ${clientSecret ?? '(public client)'}`,
      `  redirect_uri:  ${DEMO_REDIRECT_URI}`,
      `  discovery:     ${config.issuer}/.well-known/openid-configuration`,
      `  ops dashboard: ${config.issuer}/admin (the demo user is an admin: sign in as demo)`,
      '',
      'Try the flow: open this URL, sign in as demo and allow access:',
      `  ${demoAuthorizationUrl(config.issuer, client.clientId)}`,
      `Your browser then goes to ${DEMO_REDIRECT_URI}?code=...; copy the code from the address bar and exchange it:`,
      `  curl -u '${client.clientId}:${clientSecret ?? ''}' -d grant_type=authorization_code -d code=CODE \\`,
      `    -d redirect_uri=${DEMO_REDIRECT_URI} -d code_verifier=${DEMO_CODE_VERIFIER} ${config.issuer}/token`,
      '',
    ].join('\n'),
  );
  return true;
}
