// `gatehouse apis ...`: register, inspect, change and delete APIs (resource servers, RFC 8707), and which clients use them.
import type { Command } from 'commander';
import { ApiRegistrationService } from '../../apis/registration.js';
import { InvalidApiMetadata } from '../../apis/errors.js';
import { readerEvents, withCommonOptions, withSealedStore, withStore, type CommonOptions } from '../context.js';
import { printResult } from '../output.js';
import { describeApi, describeApiList, describeClientApis, toApiJson, toClientApisJson } from './api-text.js';

interface ApiOptions extends CommonOptions {
  readonly identifier?: string;
  readonly name?: string;
  readonly scope?: string[];
  readonly accessTokenTtl?: string;
  readonly resourceServerClient?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Seconds, or `default` for the configured `tokens.accessTokenTtl`. */
function parseTtl(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'default') return null;
  if (!/^\d+$/.test(text)) throw new InvalidApiMetadata('access_token_ttl', `expected seconds or "default", got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The service, over a store opened for this one command. */
export function withApiRegistration<T>(options: CommonOptions, work: (service: ApiRegistrationService) => Promise<T>): Promise<T> {
  return withSealedStore(options, (context) =>
    work(new ApiRegistrationService({ store: context.store, events: context.events, context: context.eventContext, clock: context.clock, issuer: context.config.issuer })),
  );
}

/** The service's reading half, over a store opened without the key-encryption secret: its type offers no change to make. */
function readApis<T>(options: CommonOptions, work: (service: Pick<ApiRegistrationService, 'list' | 'show' | 'listForClient'>) => Promise<T>): Promise<T> {
  return withStore(options, (context) =>
    work(new ApiRegistrationService({ store: context.store, events: readerEvents(), context: {}, clock: context.clock, issuer: context.config.issuer })),
  );
}

function addMetadataOptions(command: Command): Command {
  return command
    .option('--scope <scope>', 'a scope the API defines, "name=description" (shown on the consent page); repeat for several (update: replaces the list)', collect)
    .option('--access-token-ttl <seconds>', 'lifetime of its access tokens, 60-3600 seconds, or "default" for tokens.accessTokenTtl')
    .option('--resource-server-client <client_id>', 'a client that acts as this API\'s resource server (token introspection); repeat for several', collect);
}

function registerCreateAndUpdate(apis: Command): void {
  addMetadataOptions(withCommonOptions(apis.command('create').description('register an API (resource server)')))
    .option('--identifier <uri>', 'absolute URI without a fragment: the RFC 8707 resource value and the aud of its tokens (required)')
    .option('--name <name>', 'name shown to operators (required)')
    .action(async (options: ApiOptions) => {
      const api = await withApiRegistration(options, (service) =>
        service.create({ ...options, scopes: options.scope, accessTokenTtl: parseTtl(options.accessTokenTtl), resourceServerClientIds: options.resourceServerClient }),
      );
      printResult(options, [`created API "${api.name}"`, ...describeApi(api)], toApiJson(api));
    });
  addMetadataOptions(withCommonOptions(apis.command('update').description("change some of an API's metadata").argument('<identifier>')))
    .option('--name <name>', 'new name')
    .option('--no-resource-server-clients', 'remove every resource server client')
    .action(async (identifier: string, options: ApiOptions & { readonly resourceServerClients?: boolean }) => {
      const resourceServerClientIds = options.resourceServerClients === false ? [] : options.resourceServerClient;
      const api = await withApiRegistration(options, (service) =>
        service.update(identifier, { name: options.name, scopes: options.scope, accessTokenTtl: parseTtl(options.accessTokenTtl), resourceServerClientIds }),
      );
      printResult(options, describeApi(api), toApiJson(api));
    });
}

function registerReadAndDelete(apis: Command): void {
  withCommonOptions(apis.command('list').description('list APIs')).action(async (options: CommonOptions) => {
    const list = await readApis(options, (service) => service.list());
    printResult(options, describeApiList(list), list.map(toApiJson));
  });
  withCommonOptions(apis.command('show').description('show one API').argument('<identifier>')).action(async (identifier: string, options: CommonOptions) => {
    const api = await readApis(options, (service) => service.show(identifier));
    printResult(options, describeApi(api), toApiJson(api));
  });
  withCommonOptions(apis.command('delete').description("delete an API and every client's access to it").argument('<identifier>')).action(
    async (identifier: string, options: CommonOptions) => {
      await withApiRegistration(options, (service) => service.delete(identifier));
      printResult(options, `deleted API ${identifier}`, { identifier, deleted: true });
    },
  );
}

export function registerApiCommands(program: Command): void {
  const apis = program.command('apis').description('manage APIs (resource servers) that clients get access tokens for');
  registerCreateAndUpdate(apis);
  registerReadAndDelete(apis);
}

/** `clients allow-api|disallow-api|apis`: which APIs a client may request tokens for, and with which scopes. */
export function registerClientApiCommands(clients: Command): void {
  withCommonOptions(clients.command('allow-api').description('allow a client to request tokens for an API').argument('<client_id>'))
    .option('--api <identifier>', 'the API (required)')
    .option('--scope <scope>', 'a scope of the API the client may request; repeat for several (default: all it defines)', collect)
    .action(async (clientId: string, options: CommonOptions & { readonly api?: string; readonly scope?: string[] }) => {
      const list = await withApiRegistration(options, (service) => service.allowClient(clientId, requireApi(options.api), options.scope ?? []));
      printResult(options, describeClientApis(clientId, list), toClientApisJson(clientId, list));
    });
  withCommonOptions(clients.command('disallow-api').description("withdraw a client's access to an API").argument('<client_id>'))
    .option('--api <identifier>', 'the API (required)')
    .action(async (clientId: string, options: CommonOptions & { readonly api?: string }) => {
      const list = await withApiRegistration(options, (service) => service.disallowClient(clientId, requireApi(options.api)));
      printResult(options, describeClientApis(clientId, list), toClientApisJson(clientId, list));
    });
  withCommonOptions(clients.command('apis').description('list the APIs a client may request tokens for').argument('<client_id>')).action(
    async (clientId: string, options: CommonOptions) => {
      const list = await readApis(options, (service) => service.listForClient(clientId));
      printResult(options, describeClientApis(clientId, list), toClientApisJson(clientId, list));
    },
  );
}

function requireApi(identifier: string | undefined): string {
  if (identifier === undefined) throw new InvalidApiMetadata('api', 'name the API with --api <identifier>');
  return identifier;
}
