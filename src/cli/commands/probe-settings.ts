// What `gatehouse probe` is told, checked: flags, the password and client secret from stdin or the environment
// (never argv), and with --dev the dev server's issuer, the demo user and the dev probe client.
import { access, constants, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isLoopbackHost } from '../../config/rules.js';
import { DEMO_USERNAME } from '../../dev/seed-demo.js';
import { ensureDevProbeClient, PROBE_CLIENT_NAME } from '../../dev/probe-client.js';
import type { ProbeClientAuthentication, ProbeSettings } from '../../probe/probe-settings.js';
import { withSealedStore } from '../context.js';
import { printNote, UsageError } from '../output.js';
import { readPassword } from '../password-input.js';

export const PASSWORD_VARIABLE = 'GATEHOUSE_PROBE_PASSWORD';
export const CLIENT_SECRET_VARIABLE = 'GATEHOUSE_PROBE_CLIENT_SECRET';
const AUTHENTICATION_METHODS: readonly ProbeClientAuthentication[] = ['client_secret_basic', 'client_secret_post', 'none'];
const MAX_TIMEOUT_SECONDS = 300;
/** Clock skew tolerated on the ID token's exp and iat, as Gatehouse's own verifiers default to. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface ProbeOptions {
  readonly issuer?: string;
  readonly clientId?: string;
  readonly redirectUri?: string;
  readonly tokenEndpointAuthMethod?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly password?: string;
  readonly clientSecret?: string;
  readonly scope: string;
  readonly timeout: string;
  readonly json?: boolean;
  readonly prometheusTextfile?: string;
  readonly dev?: boolean;
  readonly config?: string;
}

/** Who and where to probe, as flags name them or --dev fills them in; the issuer already checked. */
interface Target {
  readonly issuer: string;
  readonly clientId?: string | undefined;
  readonly redirectUri?: string | undefined;
  readonly username?: string | undefined;
}

/** Secrets on the command line are visible to every user of the machine (ps, /proc) and kept in shell history. */
export function refuseSecretsInArgv(options: ProbeOptions): void {
  if (options.password !== undefined) {
    throw new UsageError(`--password is refused: a command line is visible in ps and shell history; set ${PASSWORD_VARIABLE} or pipe it with --password-stdin`);
  }
  if (options.clientSecret !== undefined) throw new UsageError(`--client-secret is refused: a command line is visible in ps and shell history; set ${CLIENT_SECRET_VARIABLE}`);
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`probe needs ${flag} (or --dev against serve --dev)`);
  return value;
}

function checkUrl(value: string, flag: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) throw new UsageError(`${flag}: expected an http or https URL`);
  return value;
}

/** RFC 9700 §4.1, as the server's own issuer rule: the password and secret travel in clear over http, so only to loopback. */
function checkIssuer(value: string): string {
  const url = new URL(checkUrl(value, '--issuer'));
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError('--issuer: expected https (http only for a loopback host: localhost, 127.0.0.0/8, [::1])');
  }
  return value;
}

function parseTimeout(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout: expected seconds, more than 0 and at most ${MAX_TIMEOUT_SECONDS}`);
  }
  return seconds;
}

/** node_exporter's textfile collector reads only `*.prom` files of a folder that must already exist. */
export async function checkTextfilePath(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  if (!path.endsWith('.prom')) throw new UsageError('--prometheus-textfile: the name must end in .prom (the textfile collector reads only those)');
  const folder = dirname(path);
  const isFolder = await stat(folder).then((info) => info.isDirectory(), () => false);
  const writable = isFolder && (await access(folder, constants.W_OK).then(() => true, () => false));
  if (!writable) throw new UsageError(`--prometheus-textfile: ${folder} is not a folder this user can write to`);
}

async function readProbePassword(options: ProbeOptions): Promise<string> {
  const password = options.passwordStdin ? await readPassword({ passwordStdin: true }) : process.env[PASSWORD_VARIABLE];
  if (password === undefined || password === '') throw new UsageError(`no password for the test account: set ${PASSWORD_VARIABLE} or pipe it with --password-stdin`);
  return password;
}

interface ClientAuthentication {
  readonly authentication: ProbeClientAuthentication;
  readonly clientSecret: string | undefined;
}

function clientAuthentication(options: ProbeOptions): ClientAuthentication {
  const clientSecret = process.env[CLIENT_SECRET_VARIABLE] || undefined;
  const method = options.tokenEndpointAuthMethod ?? (clientSecret === undefined ? 'none' : 'client_secret_basic');
  if (!(AUTHENTICATION_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`--token-endpoint-auth-method: expected ${AUTHENTICATION_METHODS.join(', ')}`);
  }
  if (method === 'none' && clientSecret !== undefined) throw new UsageError(`a public client (none) takes no secret: unset ${CLIENT_SECRET_VARIABLE}`);
  if (method !== 'none' && clientSecret === undefined) throw new UsageError(`${method} needs the client secret in ${CLIENT_SECRET_VARIABLE}`);
  return { authentication: method as ProbeClientAuthentication, clientSecret };
}

/** --dev: the issuer `serve --dev` uses with the same settings, the demo user, and the dev probe client unless named. */
async function devTarget(options: ProbeOptions): Promise<Target> {
  return withSealedStore({ config: options.config, dev: true }, async (context) => {
    const dev = { issuer: checkIssuer(options.issuer ?? context.config.issuer), username: options.username ?? DEMO_USERNAME };
    if (options.clientId !== undefined) return { ...dev, clientId: options.clientId, redirectUri: options.redirectUri };
    const client = await ensureDevProbeClient({ ...context, context: context.eventContext, clientSecretGracePeriod: context.config.clientSecretGracePeriod });
    if (client === undefined) throw new UsageError(`a client named "${PROBE_CLIENT_NAME}" exists but is not the dev probe client; name one with --client-id and --redirect-uri`);
    if (client.created) printNote(`registered the dev probe client "${PROBE_CLIENT_NAME}" (${client.clientId}) in the dev database`);
    return { ...dev, clientId: client.clientId, redirectUri: client.redirectUri };
  });
}

/** @throws UsageError naming the first flag or variable to fix */
export async function resolveProbeSettings(options: ProbeOptions): Promise<ProbeSettings> {
  const timeoutSeconds = parseTimeout(options.timeout);
  await checkTextfilePath(options.prometheusTextfile);
  // Everything that can be refused is, before --dev registers (and audits) its client in the database.
  const authentication = clientAuthentication(options);
  const password = await readProbePassword(options);
  const target = options.dev ? await devTarget(options) : { ...options, issuer: checkIssuer(required(options.issuer, '--issuer')) };
  return {
    issuer: target.issuer,
    client: {
      ...authentication,
      clientId: required(target.clientId, '--client-id'),
      redirectUri: checkUrl(required(target.redirectUri, '--redirect-uri'), '--redirect-uri'),
    },
    username: required(target.username, '--username'),
    password,
    scope: options.scope,
    timeoutSeconds,
    clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
  };
}
