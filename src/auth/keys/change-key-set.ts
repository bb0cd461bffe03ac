import type { JwtAlgorithm } from '../../config/config';
import type { SigningKeyRow } from '../../db/schema';
import type { LockedKeys } from '../../db/signing-keys';
import { InputError, SigningKeyConflictError } from '../../errors';
import type { KeyEncryption } from './key-encryption';
import { generateSigningKey } from './key-pairs';
import { HS256_KID } from './key-ring';

export interface KeySetPolicy {
  readonly algorithm: JwtAlgorithm;
  readonly rotationMs: number;
  /** JWKS_MAX_AGE plus the time instances take to hear of a new key: how long a NEXT key is published before it may sign. */
  readonly publishMs: number;
  /** Access-token lifetime plus clock leeway: how long a PREVIOUS key stays. */
  readonly retentionMs: number;
}

/** `maintain`: whatever is due (start-up, the timer); `rotate`: an ADMIN's rotation; `revoke`: a key that may have leaked. */
export type KeySetChange = { readonly kind: 'maintain' } | { readonly kind: 'rotate' } | { readonly kind: 'revoke'; readonly kid: string };

/**
 * Brings the key set to what the policy wants, under the lock, and announces any change in the
 * same transaction. Deterministic given the rows and the time, so that instances racing to do it
 * agree: the second finds nothing left to do. Returns whether anything changed.
 */
export async function changeKeySet(keys: LockedKeys, change: KeySetChange, policy: KeySetPolicy, encryption: KeyEncryption, now: number): Promise<boolean> {
  if (change.kind === 'rotate' && policy.algorithm === 'HS256') {
    throw new SigningKeyConflictError('With JWT_ALGORITHM=HS256 there is one key, JWT_SECRET: there is nothing to rotate.');
  }
  const at = new Date(now);
  let rows = await keys.list();
  let changed = false;
  let revokedKid: string | undefined;
  const remove = async (row: SigningKeyRow) => {
    await keys.delete(row.kid);
    rows = rows.filter((r) => r !== row);
    changed = true;
  };
  const add = async (algorithm: JwtAlgorithm, state: SigningKeyRow['state'], times: Partial<Pick<SigningKeyRow, 'activatedAt' | 'retiredAt'>> = {}): Promise<SigningKeyRow> => {
    const row = { ...(await newRow(algorithm, state, at, encryption)), ...times };
    await keys.insert(row);
    rows = [row, ...rows];
    changed = true;
    return row;
  };
  const set = async (row: SigningKeyRow, state: SigningKeyRow['state'], times: Partial<Pick<SigningKeyRow, 'activatedAt' | 'retiredAt'>>) => {
    await keys.setState(row.kid, state, times);
    Object.assign(row, { state, ...times });
    changed = true;
  };
  const find = (state: SigningKeyRow['state']) => rows.find((row) => row.state === state);
  const promote = async (next: SigningKeyRow) => {
    const current = find('CURRENT');
    if (current) await set(current, 'PREVIOUS', { retiredAt: at });
    await set(next, 'CURRENT', { activatedAt: at, retiredAt: null });
  };

  for (const row of rows) if (row.state === 'PREVIOUS' && (row.retiredAt?.getTime() ?? 0) + policy.retentionMs <= now) await remove(row);

  if (change.kind === 'revoke') {
    const target = rows.find((row) => row.kid === change.kid);
    if (!target) throw new InputError('kid', 'No published signing key has that kid.');
    if (target.algorithm === 'HS256' && target.state === 'CURRENT') {
      throw new SigningKeyConflictError('The HS256 key is JWT_SECRET itself: replace JWT_SECRET to retire it.');
    }
    await remove(target);
    revokedKid = target.kid;
    // A leaked CURRENT key stops signing now, whether or not its successor was published long.
    if (target.state === 'CURRENT') await promote(find('NEXT') ?? (await add(policy.algorithm, 'NEXT')));
  }

  if (!find('CURRENT')) {
    // Tokens signed with JWT_SECRET before signing keys existed go on verifying until they expire.
    if (rows.length === 0 && policy.algorithm !== 'HS256' && (await keys.anySessions())) await add('HS256', 'PREVIOUS', { retiredAt: at });
    const hs = rows.find((row) => row.kid === HS256_KID);
    if (policy.algorithm === 'HS256' && hs) await set(hs, 'CURRENT', { activatedAt: at, retiredAt: null });
    else await add(policy.algorithm, 'CURRENT', { activatedAt: at });
  }

  if (policy.algorithm === 'HS256') {
    // JWT_SECRET needs no publishing: HS256 signs at once, the key pairs retire.
    for (const row of rows.filter((r) => r.state === 'NEXT')) await remove(row);
    const current = find('CURRENT')!;
    if (current.algorithm !== 'HS256') {
      await set(current, 'PREVIOUS', { retiredAt: at });
      const hs = rows.find((row) => row.kid === HS256_KID);
      if (hs) await set(hs, 'CURRENT', { activatedAt: at, retiredAt: null });
      else await add('HS256', 'CURRENT', { activatedAt: at });
    }
  } else {
    for (const row of rows.filter((r) => r.state === 'NEXT' && r.algorithm !== policy.algorithm)) await remove(row);
    const next = find('NEXT') ?? (await add(policy.algorithm, 'NEXT'));
    const current = find('CURRENT')!;
    const readyIn = next.createdAt.getTime() + policy.publishMs - now;
    const due = current.algorithm !== policy.algorithm || (current.activatedAt?.getTime() ?? 0) + policy.rotationMs <= now;
    if (change.kind === 'rotate' && readyIn > 0) {
      throw new SigningKeyConflictError('The NEXT key has not been published long enough for every verifier to know it.', Math.ceil(readyIn / 1000));
    }
    if (readyIn <= 0 && (change.kind === 'rotate' || due)) {
      await promote(next);
      await add(policy.algorithm, 'NEXT');
    }
  }

  if (changed) await keys.announce(revokedKid);
  return changed;
}

async function newRow(algorithm: JwtAlgorithm, state: SigningKeyRow['state'], at: Date, encryption: KeyEncryption): Promise<SigningKeyRow> {
  const base = { state, createdAt: at, activatedAt: null, retiredAt: null };
  if (algorithm === 'HS256') return { kid: HS256_KID, algorithm, publicJwk: null, privateKey: null, ...base };
  const key = await generateSigningKey(algorithm);
  return { kid: key.kid, algorithm, publicJwk: key.publicJwk, privateKey: encryption.encrypt(key.kid, key.privateDer), ...base };
}
