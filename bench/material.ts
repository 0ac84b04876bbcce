// What a scenario needs registered before it runs, described once and registered on each server its own way.
import { randomBytes } from 'node:crypto';
import type { ClientCredentials, Person } from './protocol.js';

export interface BenchClient extends ClientCredentials {
  readonly grantTypes: readonly ('authorization_code' | 'refresh_token' | 'client_credentials')[];
  readonly idTokenAlg: 'ES256' | 'RS256';
  /** Allowed the bench API (resource indicators, RFC 8707). */
  readonly api: boolean;
}

export interface Material {
  readonly clients: readonly BenchClient[];
  readonly people: readonly Person[];
}

export const PASSWORD = 'bench password correct horse';
// A client secret as `openssl rand -base64 32` prints it: what Gatehouse's clients file accepts from the environment.
export const CLIENT_SECRET = randomBytes(32).toString('base64url');

export function userClient(clientId: string, idTokenAlg: 'ES256' | 'RS256' = 'ES256', api = true): BenchClient {
  return { clientId, secret: CLIENT_SECRET, grantTypes: ['authorization_code', 'refresh_token'], idTokenAlg, api };
}

export function machineClient(clientId: string): BenchClient {
  return { clientId, secret: CLIENT_SECRET, grantTypes: ['client_credentials'], idTokenAlg: 'ES256', api: true };
}

export function person(username: string): Person {
  return { username, password: PASSWORD };
}

/**
 * What several scenarios need registered on one server, each client and person once. Scenarios that define the same
 * client id differently could not share a server, so that is refused rather than one of them silently losing.
 */
export function combinedMaterial(materials: readonly Material[]): Material {
  const clients = new Map<string, BenchClient>();
  const people = new Map<string, Person>();
  for (const material of materials) {
    for (const client of material.clients) {
      const registered = clients.get(client.clientId);
      if (registered !== undefined && JSON.stringify(registered) !== JSON.stringify(client)) throw new Error(`two scenarios define client ${client.clientId} differently`);
      clients.set(client.clientId, client);
    }
    for (const person of material.people) people.set(person.username, person);
  }
  return { clients: [...clients.values()], people: [...people.values()] };
}
