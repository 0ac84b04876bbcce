// Assembles the repositories over one Kysely instance into a Store, for either engine.
import { sql } from 'kysely';
import { StoreUnavailableError, type AuditSealer, type SealedStore, type Store } from '../store.js';
import { KyselyApiRepository } from './apis.js';
import { KyselyAuditRepository } from './audit.js';
import { KyselyBackChannelLogoutRepository } from './back-channel-logout.js';
import { KyselyAuthorizationCodeRepository } from './authorization-codes.js';
import { KyselyClientAssertionJtiRepository } from './client-assertion-jtis.js';
import { KyselyClientRepository } from './clients.js';
import { KyselyDpopProofJtiRepository } from './dpop-proof-jtis.js';
import { KyselyConsentRepository } from './consents.js';
import { KyselyDeviceAuthorizationRepository } from './device-authorizations.js';
import { KyselyInteractionRepository } from './interactions.js';
import { KyselyLoginThrottleRepository } from './login-throttle.js';
import { KyselyPushedAuthorizationRequestRepository } from './pushed-authorization-requests.js';
import { KyselyRefreshTokenRepository } from './refresh-tokens.js';
import { KyselyRevokedAccessTokenRepository } from './revoked-access-tokens.js';
import { KyselySessionRepository } from './sessions.js';
import { KyselySigningKeyRepository } from './signing-keys.js';
import { inTransaction, type Db } from './transaction.js';
import { KyselyUserRepository } from './users.js';

async function ping(db: Db): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw error;
    // A closed store or a dropped connection: whatever the driver says, the database is not answering.
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(`the database did not answer: ${reason}`, { cause: error });
  }
}

/**
 * A Store whose repositories all run on `db`: the whole database, or one open transaction. With `auditSealer` it is a
 * SealedStore, the only kind whose type lets the audit chain be appended to, pruned or verified.
 */
export function createKyselyStore(db: Db, engine: Store['engine'], auditSealer: AuditSealer): SealedStore;
export function createKyselyStore(db: Db, engine: Store['engine'], auditSealer?: undefined): Store;
export function createKyselyStore(db: Db, engine: Store['engine'], auditSealer?: AuditSealer): Store {
  return assemble(db, engine, auditSealer);
}

// Typed sealed inside this module only: the overloads above hand out a plain Store when no sealer was given.
function assemble(db: Db, engine: Store['engine'], auditSealer: AuditSealer | undefined): SealedStore {
  const store: SealedStore = {
    engine,
    clients: new KyselyClientRepository(db, engine),
    apis: new KyselyApiRepository(db),
    users: new KyselyUserRepository(db),
    authorizationCodes: new KyselyAuthorizationCodeRepository(db),
    consents: new KyselyConsentRepository(db),
    refreshTokens: new KyselyRefreshTokenRepository(db),
    sessions: new KyselySessionRepository(db),
    signingKeys: new KyselySigningKeyRepository(db),
    interactions: new KyselyInteractionRepository(db),
    pushedAuthorizationRequests: new KyselyPushedAuthorizationRequestRepository(db),
    deviceAuthorizations: new KyselyDeviceAuthorizationRepository(db),
    loginThrottle: new KyselyLoginThrottleRepository(db),
    clientAssertionJtis: new KyselyClientAssertionJtiRepository(db),
    dpopProofJtis: new KyselyDpopProofJtiRepository(db),
    backChannelLogout: new KyselyBackChannelLogoutRepository(db),
    audit: new KyselyAuditRepository(db, auditSealer),
    revokedAccessTokens: new KyselyRevokedAccessTokenRepository(db),
    transaction: (fn) => inTransaction(db, (trx) => fn(trx === db ? store : assemble(trx, engine, auditSealer))),
    ping: () => ping(db),
    close: () => (db.isTransaction ? Promise.reject(new Error('close the store itself, not a transaction of it')) : db.destroy()),
  };
  return store;
}
