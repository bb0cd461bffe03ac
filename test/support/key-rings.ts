import { createKeyEncryption } from '../../src/auth/keys/key-encryption';
import { generateSigningKey, type AsymmetricAlgorithm } from '../../src/auth/keys/key-pairs';
import { createKeyRing, HS256_KID, type KeyRing } from '../../src/auth/keys/key-ring';
import type { Clock } from '../../src/clock';
import type { SigningKeyRow } from '../../src/db/schema';

const RETENTION_MS = (900 + 60) * 1000;

/** A ring whose CURRENT key is HS256 with `secret`, as JWT_ALGORITHM=HS256 runs: for tests below the database. */
export function hs256Ring(secret: string, clock: Clock): KeyRing {
  const ring = createKeyRing({ jwtSecret: secret, encryption: createKeyEncryption(secret), clock, retentionMs: RETENTION_MS });
  ring.replace([{ kid: HS256_KID, algorithm: 'HS256', state: 'CURRENT', publicJwk: null, privateKey: null, createdAt: new Date(clock.now()), activatedAt: new Date(clock.now()), retiredAt: null }]);
  return ring;
}

/** A ring whose CURRENT key is a fresh key pair of `algorithm`. */
export async function keyPairRing(algorithm: AsymmetricAlgorithm, secret: string, clock: Clock): Promise<KeyRing> {
  const encryption = createKeyEncryption(secret);
  const ring = createKeyRing({ jwtSecret: secret, encryption, clock, retentionMs: RETENTION_MS });
  ring.replace([await keyPairRow(algorithm, 'CURRENT', secret, clock)]);
  return ring;
}

/** A stored key row of `algorithm`, encrypted under `secret`. */
export async function keyPairRow(algorithm: AsymmetricAlgorithm, state: SigningKeyRow['state'], secret: string, clock: Clock): Promise<SigningKeyRow> {
  const key = await generateSigningKey(algorithm);
  const at = new Date(clock.now());
  return {
    kid: key.kid,
    algorithm,
    state,
    publicJwk: key.publicJwk,
    privateKey: createKeyEncryption(secret).encrypt(key.kid, key.privateDer),
    createdAt: at,
    activatedAt: state === 'NEXT' ? null : at,
    retiredAt: state === 'PREVIOUS' ? at : null,
  };
}
