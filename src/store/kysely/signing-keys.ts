// The signing_keys table: next, active and retired keys of each algorithm, and rotation decided once across instances.
import type { SigningKeyRecord } from '../records.js';
import { DuplicateError, type SigningKeyRepository } from '../store.js';
import type { SigningKeysTable } from './database.js';
import { inTransaction, type Db } from './transaction.js';

type Rotation = Parameters<SigningKeyRepository['rotate']>[0];

function rowToSigningKey(row: SigningKeysTable): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    status: row.status,
    publicJwk: row.public_jwk,
    privateKeyEncrypted: row.private_key_encrypted,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
    publishUntil: row.publish_until,
  };
}

function signingKeyToRow(key: SigningKeyRecord): SigningKeysTable {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    public_jwk: key.publicJwk,
    private_key_encrypted: key.privateKeyEncrypted,
    created_at: key.createdAt,
    activated_at: key.activatedAt,
    retired_at: key.retiredAt,
    publish_until: key.publishUntil,
  };
}

/** Retires the expected active key of the rotated algorithm; false when another rotation got there first. */
async function retireActive(trx: Db, rotation: Rotation): Promise<boolean> {
  const { expectedActiveKid, newNext, retiredPublishUntil, now } = rotation;
  if (expectedActiveKid === null) return true;
  // Row lock on PostgreSQL, write lock on SQLite: a racing rotation waits here, then finds the key no longer active.
  const result = await trx
    .updateTable('signing_keys')
    .set({ status: 'retired', retired_at: now, publish_until: retiredPublishUntil })
    .where('kid', '=', expectedActiveKid)
    .where('alg', '=', newNext.alg)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Promotes the next key; with no expected active key, only while no key of its algorithm is active. */
async function promoteNext(trx: Db, rotation: Rotation): Promise<boolean> {
  const { alg } = rotation.newNext;
  let update = trx
    .updateTable('signing_keys')
    .set({ status: 'active', activated_at: rotation.now })
    .where('kid', '=', rotation.nextKid)
    .where('alg', '=', alg)
    .where('status', '=', 'next');
  if (rotation.expectedActiveKid === null) {
    update = update.where((eb) =>
      eb.not(
        eb.exists(
          eb.selectFrom('signing_keys as active').select('active.kid').where('active.status', '=', 'active').where('active.alg', '=', alg),
        ),
      ),
    );
  }
  const result = await update.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export class KyselySigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly db: Db) {}

  async listPublished(now: number): Promise<readonly SigningKeyRecord[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('status', '!=', 'retired'), eb('publish_until', '>=', now)]))
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    return rows.map(rowToSigningKey);
  }

  async listAll(): Promise<readonly SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid', 'desc').execute();
    return rows.map(rowToSigningKey);
  }

  async create(key: SigningKeyRecord): Promise<void> {
    await this.db.insertInto('signing_keys').values(signingKeyToRow(key)).execute();
  }

  async rotate(rotation: Rotation): Promise<boolean> {
    try {
      return await inTransaction(this.db, async (trx) => {
        if (!(await retireActive(trx, rotation))) return false;
        if (!(await promoteNext(trx, rotation))) {
          if (rotation.expectedActiveKid === null) return false;
          throw new Error(`signing key ${rotation.nextKid} is not a next key`);
        }
        await trx.insertInto('signing_keys').values(signingKeyToRow(rotation.newNext)).execute();
        return true;
      });
    } catch (error) {
      // The one-active-key-per-algorithm index refused a second promotion from a racing first rotation: that racer won.
      if (error instanceof DuplicateError && error.field === 'alg') return false;
      throw error;
    }
  }

  async retire(kid: string, publishUntil: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('signing_keys')
      .set({ status: 'retired', retired_at: now, publish_until: publishUntil })
      .where('kid', '=', kid)
      .where('status', '!=', 'retired')
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async deleteExpired(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom('signing_keys')
      .where('status', '=', 'retired')
      .where('publish_until', '<', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
