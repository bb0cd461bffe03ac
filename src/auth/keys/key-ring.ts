import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../../clock';
import type { JwtAlgorithm } from '../../config/config';
import type { SigningKeyRow } from '../../db/schema';
import type { KeyEncryption } from './key-encryption';

/** A key a token may be checked with: its algorithm is the only one it admits. */
export interface VerificationKey {
  readonly algorithm: JwtAlgorithm;
  readonly key: KeyObject;
}

/** The CURRENT key, ready to sign; `kid` undefined for HS256 (one key, named by none). */
export interface Signer {
  readonly kid: string | undefined;
  readonly algorithm: JwtAlgorithm;
  readonly key: KeyObject;
}

export interface KeyRing {
  /** The CURRENT key; throws if this instance cannot sign with it (JWT_SECRET did not encrypt it). */
  signer(): Signer;
  /** The key for a token's `kid` (none: the HS256 key, if any), or undefined: the token is refused. */
  verifierFor(kid: string | undefined): VerificationKey | undefined;
  /** The keys still published (a PREVIOUS key only until its tokens have expired), newest first. */
  rows(): readonly SigningKeyRow[];
  /** The JWKS document, serialised once per change. */
  jwks(): string;
  /** Takes the key set from the database as it now is. */
  replace(rows: readonly SigningKeyRow[]): void;
  /** Stops a key verifying at once (revoked elsewhere), before the reload that follows. */
  drop(kid: string): void;
  /** Told after every change, e.g. to forget tokens verified with a key that is gone. */
  onChange(listener: () => void): void;
}

/** What a row of the HS256 key is called: it names JWT_SECRET, which is never stored. */
export const HS256_KID = 'jwt-secret';

/**
 * The signing keys in memory: verifying a token never queries the database. Public halves are
 * parsed once per key and kept across reloads; only the CURRENT private half is decrypted.
 */
export function createKeyRing(deps: { jwtSecret: string; encryption: KeyEncryption; clock: Clock; retentionMs: number }): KeyRing {
  const secretKey = createSecretKey(Buffer.from(deps.jwtSecret, 'utf8'));
  const parsed = new Map<string, KeyObject>();
  let all: readonly SigningKeyRow[] = [];
  let verifiers = new Map<string | undefined, VerificationKey>();
  let signer: Signer | undefined;
  let signerProblem = 'no CURRENT signing key has been loaded';
  let document = JSON.stringify({ keys: [] });
  const listeners: (() => void)[] = [];

  const publicKeyOf = (row: SigningKeyRow): KeyObject => {
    let key = parsed.get(row.kid);
    if (!key) parsed.set(row.kid, (key = createPublicKey({ key: row.publicJwk!, format: 'jwk' })));
    return key;
  };
  const published = (row: SigningKeyRow) => row.state !== 'PREVIOUS' || (row.retiredAt?.getTime() ?? 0) + deps.retentionMs > deps.clock.now();

  function rebuild(rows: readonly SigningKeyRow[]): void {
    all = rows;
    verifiers = new Map(
      rows.map((row) => [row.algorithm === 'HS256' ? undefined : row.kid, { algorithm: row.algorithm as JwtAlgorithm, key: row.algorithm === 'HS256' ? secretKey : publicKeyOf(row) }]),
    );
    document = JSON.stringify({
      keys: rows
        .filter((row) => row.algorithm !== 'HS256' && published(row))
        .map((row) => ({ kid: row.kid, alg: row.algorithm, use: 'sig', kty: row.publicJwk!['kty'], ...row.publicJwk })),
    });
    for (const kid of parsed.keys()) if (!rows.some((row) => row.kid === kid)) parsed.delete(kid);
    for (const listener of listeners) listener();
  }

  function loadSigner(current: SigningKeyRow | undefined): void {
    if (!current) {
      signer = undefined;
      signerProblem = 'the database holds no CURRENT signing key';
    } else if (current.algorithm === 'HS256') {
      signer = { kid: undefined, algorithm: 'HS256', key: secretKey };
    } else if (signer?.kid !== current.kid) {
      const der = current.privateKey ? deps.encryption.decrypt(current.kid, current.privateKey) : undefined;
      signer = der ? { kid: current.kid, algorithm: current.algorithm as JwtAlgorithm, key: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) } : undefined;
      signerProblem = `the private half of signing key ${current.kid} cannot be decrypted with this JWT_SECRET: it was encrypted under another one`;
    }
  }

  return {
    signer() {
      if (!signer) throw new Error(`cannot sign access tokens: ${signerProblem}`);
      return signer;
    },
    verifierFor: (kid) => verifiers.get(kid),
    rows: () => all.filter(published),
    jwks: () => document,
    replace(rows) {
      loadSigner(rows.find((row) => row.state === 'CURRENT'));
      rebuild(rows);
    },
    drop(kid) {
      if (!all.some((row) => row.kid === kid)) return;
      if (signer?.kid === kid) signer = undefined;
      rebuild(all.filter((row) => row.kid !== kid));
    },
    onChange: (listener) => void listeners.push(listener),
  };
}
