// `gatehouse clients ...`: register, inspect, change, re-key and delete OAuth clients.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ClientRegistrationService, type ClientView } from '../../clients/registration.js';
import { toRegistrationResponse } from '../../clients/registration-response.js';
import { canSignIdTokensFor, describeMissingIdTokenKey } from '../../clients/id-token-algorithm.js';
import { InvalidClientMetadata } from '../../clients/errors.js';
import type { ClientMetadataInput } from '../../clients/metadata.js';
import { readerEvents, withCommonOptions, withSealedStore, withStore, type CommandContext, type CommonOptions } from '../context.js';
import { printNote, printResult, UsageError } from '../output.js';
import { registerClientApiCommands } from './apis.js';
import { registerClientFileCommands } from './clients-file.js';
import { describeClient, describeClientList } from './client-text.js';
import { warnAboutLocalhost } from './client-warnings.js';

interface MetadataOptions extends CommonOptions {
  readonly name?: string;
  readonly redirectUri?: string[];
  readonly postLogoutRedirectUri?: string[];
  readonly tokenEndpointAuthMethod?: string;
  readonly grantTypes?: string;
  readonly scope?: string;
  readonly firstParty?: boolean;
  readonly idTokenSignedResponseAlg?: string;
  readonly jwksUri?: string;
  readonly jwksFile?: string;
  readonly backchannelLogoutUri?: string;
  readonly requirePushedAuthorizationRequests?: boolean;
  readonly dpopBoundAccessTokens?: boolean;
}

interface CreateOptions extends MetadataOptions {
  readonly type?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function addMetadataOptions(command: Command): Command {
  return command
    .option('--redirect-uri <uri>', 'redirect URI; repeat for several (update: replaces the list)', collect)
    .option('--post-logout-redirect-uri <uri>', 'post-logout redirect URI; repeat for several', collect)
    .option('--token-endpoint-auth-method <method>', 'client_secret_basic (default), client_secret_post, private_key_jwt, or none for public clients')
    .option('--jwks-uri <url>', 'private_key_jwt: https URL of the JWK Set with the client public keys')
    .option('--jwks-file <path>', 'private_key_jwt: file holding the JWK Set with the client public keys')
    .option('--grant-types <list>', 'comma-separated: authorization_code (default), refresh_token, client_credentials (confidential clients; alone, no redirect URI), urn:ietf:params:oauth:grant-type:device_code (no redirect URI unless with authorization_code)')
    .option('--scope <scopes>', 'space-separated scopes the client may request (default: openid profile email, + offline_access with refresh_token)')
    .option('--id-token-signed-response-alg <alg>', 'algorithm of its ID tokens: RS256 (default), ES256 or EdDSA')
    .option('--backchannel-logout-uri <uri>', 'where logout tokens are POSTed when a session the client took part in ends (update: "" removes it)');
}

function toMetadataInput(options: MetadataOptions): ClientMetadataInput {
  return {
    clientName: options.name,
    redirectUris: options.redirectUri,
    postLogoutRedirectUris: options.postLogoutRedirectUri,
    tokenEndpointAuthMethod: options.tokenEndpointAuthMethod,
    grantTypes: options.grantTypes?.split(',').map((grantType) => grantType.trim()).filter((grantType) => grantType !== ''),
    scope: options.scope,
    firstParty: options.firstParty,
    idTokenSignedResponseAlg: options.idTokenSignedResponseAlg,
    jwksUri: options.jwksUri,
    jwks: options.jwksFile === undefined ? undefined : readJwksFile(options.jwksFile),
    // An empty value on update removes the URI: the client is no longer notified.
    backchannelLogoutUri: options.backchannelLogoutUri === '' ? null : options.backchannelLogoutUri,
    requirePushedAuthorizationRequests: options.requirePushedAuthorizationRequests,
    dpopBoundAccessTokens: options.dpopBoundAccessTokens,
  };
}

/** The JSON document of `--jwks-file`; its content is checked as client metadata, never echoed (a private key could be in it). */
function readJwksFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new UsageError(`--jwks-file: cannot read ${path} (${reason})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidClientMetadata('jwks', `the file ${path} is not JSON`);
  }
}

function withRegistration<T>(options: CommonOptions, work: (service: ClientRegistrationService, context: CommandContext) => Promise<T>): Promise<T> {
  return withSealedStore(options, (context: CommandContext) =>
    work(
      new ClientRegistrationService({
        store: context.store,
        events: context.events,
        context: context.eventContext,
        clientSecretGracePeriod: context.config.clientSecretGracePeriod,
        clock: context.clock,
      }),
      context,
    ),
  );
}

/** The service's reading half, over a store opened without the key-encryption secret: its type offers no change to make. */
function readClients<T>(options: CommonOptions, work: (service: Pick<ClientRegistrationService, 'list' | 'show'>) => Promise<T>): Promise<T> {
  return withStore(options, (context) =>
    work(new ClientRegistrationService({ store: context.store, events: readerEvents(), context: {}, clientSecretGracePeriod: context.config.clientSecretGracePeriod, clock: context.clock })),
  );
}

/** Runs a create or update, warning on stderr when the client's ID token algorithm has no keys in this configuration. */
function registerChecked<T extends { readonly client: ClientView }>(
  options: CommonOptions,
  work: (service: ClientRegistrationService) => Promise<T>,
): Promise<T> {
  return withRegistration(options, async (service, context) => {
    const result = await work(service);
    if (!canSignIdTokensFor(result.client, context.config.keys.algorithms)) printNote(`warning: ${describeMissingIdTokenKey(result.client)}`);
    return result;
  });
}

function printClient(options: CommonOptions, client: ClientView): void {
  printResult(options, describeClient(client), toRegistrationResponse(client));
}

const SECRET_SHOWN_ONCE = 'Store the secret now: it is shown only this once.';

function registerCreate(clients: Command): void {
  addMetadataOptions(withCommonOptions(clients.command('create').description('register a client; prints its secret once')))
    // Not a commander requiredOption: commander would report it missing before naming a mistyped flag.
    .option('--name <name>', 'client name, unique, shown on the consent page (required)')
    .option('--type <type>', 'confidential (default) or public')
    .option('--first-party', 'trusted first-party client: skips the consent page')
    .option('--require-pushed-authorization-requests', 'its authorization requests must be pushed to /par first (RFC 9126)')
    .option('--dpop-bound-access-tokens', 'every token request must carry a DPoP proof (RFC 9449 §5.2)')
    .action(async (options: CreateOptions) => {
      const { client, clientSecret } = await registerChecked(options, (service) =>
        service.create({ ...toMetadataInput(options), clientType: options.type }),
      );
      warnAboutLocalhost(client.redirectUris);
      const secretLines = clientSecret === null ? [] : ['', `client_secret: ${clientSecret}`, SECRET_SHOWN_ONCE];
      printResult(options, [`created client "${client.clientName}"`, ...describeClient(client), ...secretLines], toRegistrationResponse(client, clientSecret));
    });
}

function registerUpdate(clients: Command): void {
  addMetadataOptions(withCommonOptions(clients.command('update').description("change some of a client's metadata").argument('<client_id>')))
    .option('--name <name>', 'new client name')
    .option('--first-party', 'mark as first-party (skips consent)')
    .option('--no-first-party', 'mark as third-party (asks for consent)')
    .option('--require-pushed-authorization-requests', 'its authorization requests must be pushed to /par first (RFC 9126)')
    .option('--no-require-pushed-authorization-requests', 'it may send authorization requests to /authorize directly again')
    .option('--dpop-bound-access-tokens', 'require a DPoP proof with every token request (RFC 9449 §5.2)')
    .option('--no-dpop-bound-access-tokens', 'accept token requests without a DPoP proof again')
    .action(async (clientId: string, options: MetadataOptions) => {
      const { client, clientSecret } = await registerChecked(options, (service) => service.update(clientId, toMetadataInput(options)));
      warnAboutLocalhost(options.redirectUri);
      if (clientSecret === null) return printClient(options, client);
      // Moved to a secret method without a secret (from private_key_jwt): the new one, shown this once.
      const secretLines = ['', `client_secret: ${clientSecret}`, SECRET_SHOWN_ONCE];
      printResult(options, [...describeClient(client), ...secretLines], toRegistrationResponse(client, clientSecret));
    });
}

function registerRotateSecret(clients: Command): void {
  const description = 'issue a new secret; the previous one keeps working for clientSecretGracePeriod';
  withCommonOptions(clients.command('rotate-secret').description(description).argument('<client_id>')).action(
    async (clientId: string, options: CommonOptions) => {
      const rotated = await withRegistration(options, (service) => service.rotateSecret(clientId));
      const until = new Date(rotated.previousSecretValidUntil * 1000).toISOString();
      printResult(
        options,
        [`rotated the secret of client ${clientId}`, `client_secret: ${rotated.clientSecret}`, SECRET_SHOWN_ONCE, `The previous secret keeps working until ${until}.`],
        { ...toRegistrationResponse(rotated.client, rotated.clientSecret), previous_secret_expires_at: rotated.previousSecretValidUntil },
      );
    },
  );
}

function registerListAndShow(clients: Command): void {
  withCommonOptions(clients.command('list').description('list clients')).action(async (options: CommonOptions) => {
    const list = await readClients(options, (service) => service.list());
    printResult(options, describeClientList(list), list.map((client) => toRegistrationResponse(client)));
  });

  withCommonOptions(clients.command('show').description('show one client').argument('<client_id>')).action(async (clientId: string, options: CommonOptions) => {
    printClient(options, await readClients(options, (service) => service.show(clientId)));
  });
}

function registerDelete(clients: Command): void {
  withCommonOptions(clients.command('delete').description('delete a client and everything issued to it').argument('<client_id>')).action(
    async (clientId: string, options: CommonOptions) => {
      await withRegistration(options, (service) => service.delete(clientId));
      printResult(options, `deleted client ${clientId}`, { client_id: clientId, deleted: true });
    },
  );
}

export function registerClientCommands(program: Command): void {
  const clients = program.command('clients').description('manage OAuth clients');
  registerCreate(clients);
  registerListAndShow(clients);
  registerUpdate(clients);
  registerRotateSecret(clients);
  registerDelete(clients);
  registerClientApiCommands(clients);
  registerClientFileCommands(clients);
}
