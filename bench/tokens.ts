import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createAccessTokens } from '../src/auth/tokens/access-token';
import { systemClock } from '../src/clock';
import { hs256Ring, keyPairRing } from '../test/support/key-rings';
import { opsPerSecond, round2 } from './measure';

const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

export interface TokenMicros {
  /** HS256 with jsonwebtoken: with a KeyObject, with a string secret, and ours with its cache. */
  readonly keyObject: number;
  readonly string: number;
  readonly cached: number;
  /** Ours, µs per sign and per uncached verify (a token is verified once, then served from the cache). */
  readonly perAlgorithm: Readonly<Record<'HS256' | 'ES256' | 'RS256', { readonly sign: number; readonly verify: number }>>;
}

/** Microseconds per token operation, per signing algorithm. */
export async function benchTokenVerify(ms: number): Promise<TokenMicros> {
  const options = { issuer: 'gatehouse', audience: 'gatehouse', ttlSeconds: 900, clock: systemClock };
  const subject = { userId: randomUUID(), role: 'USER', sessionId: randomUUID(), tokenVersion: 0, authTime: new Date() } as const;
  const micros = (opsPerSec: number) => round2(1e6 / opsPerSec);
  const rings = { HS256: hs256Ring(SECRET, systemClock), ES256: await keyPairRing('ES256', SECRET, systemClock), RS256: await keyPairRing('RS256', SECRET, systemClock) };

  const perAlgorithm = {} as Record<keyof typeof rings, { sign: number; verify: number }>;
  for (const algorithm of ['HS256', 'ES256', 'RS256'] as const) {
    // A cache of one entry that every sign evicts: each verify below is a signature check.
    const tokens = createAccessTokens({ ...options, keys: rings[algorithm], cacheSize: 1 });
    const pool = Array.from({ length: 64 }, () => tokens.sign(subject).token);
    let i = 0;
    const sign = micros(await opsPerSecond(() => tokens.sign(subject), ms));
    const verify = micros(await opsPerSecond(() => tokens.verify(pool[(i = (i + 1) % pool.length)]!), ms));
    perAlgorithm[algorithm] = { sign, verify };
  }

  const tokens = createAccessTokens({ ...options, keys: rings.HS256 });
  const { token } = tokens.sign(subject);
  const key = createSecretKey(Buffer.from(SECRET, 'utf8'));
  const verifyOptions = { algorithms: ['HS256' as const], issuer: 'gatehouse', audience: 'gatehouse' };
  return {
    keyObject: micros(await opsPerSecond(() => jwt.verify(token, key, verifyOptions), ms)),
    string: micros(await opsPerSecond(() => jwt.verify(token, SECRET, verifyOptions), ms)),
    cached: micros(await opsPerSecond(() => tokens.verify(token), ms)),
    perAlgorithm,
  };
}
