// Dev mode only: the public client `gatehouse probe --dev` signs in with, registered in the dev database on first use,
// since the demo client's secret was shown once at the first start and only its hash is kept.
import { ClientRegistrationService } from '../clients/registration.js';
import type { Clock } from '../clock.js';
import type { EventBus, EventContext } from '../observability/events.js';
import type { Store } from '../store/store.js';

export const PROBE_CLIENT_NAME = 'Gatehouse Probe';
/** RFC 8252 §7.3: a loopback URI; nothing needs to listen there, the probe reads the redirect and stops. */
export const PROBE_REDIRECT_URI = 'http://127.0.0.1/gatehouse-probe/callback';

export interface DevProbeClient {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Whether this call registered it (a first consent page is then to be expected). */
  readonly created: boolean;
}

export interface DevProbeClientOptions {
  readonly store: Store;
  readonly events: EventBus;
  readonly context: EventContext;
  readonly clock: Clock;
  readonly clientSecretGracePeriod: number;
}

/**
 * The dev probe client, registered (and audited as a client creation) if missing. Public, so it needs no secret;
 * third-party, so the first run goes through the consent page. Undefined when a client of that name exists that is
 * not a public client with the probe's redirect URI (someone registered their own).
 */
export async function ensureDevProbeClient(options: DevProbeClientOptions): Promise<DevProbeClient | undefined> {
  const existing = await options.store.clients.findByName(PROBE_CLIENT_NAME);
  if (existing !== undefined) {
    const fits = existing.tokenEndpointAuthMethod === 'none' && existing.redirectUris.includes(PROBE_REDIRECT_URI);
    return fits ? { clientId: existing.clientId, redirectUri: PROBE_REDIRECT_URI, created: false } : undefined;
  }
  const { client } = await new ClientRegistrationService(options).create({
    clientName: PROBE_CLIENT_NAME,
    clientType: 'public',
    redirectUris: [PROBE_REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    scope: 'openid profile email offline_access',
  });
  return { clientId: client.clientId, redirectUri: PROBE_REDIRECT_URI, created: true };
}
