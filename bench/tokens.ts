import { createSecretKey, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createAccessTokens } from '../src/auth/tokens/access-token';
import { systemClock } from '../src/clock';
import { opsPerSecond, round2 } from './measure';

const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

/** Microseconds per jsonwebtoken verify: with a KeyObject, with a string secret, and ours with its cache. */
export async function benchTokenVerify(ms: number): Promise<{ keyObject: number; string: number; cached: number }> {
  const tokens = createAccessTokens({ secret: SECRET, issuer: 'gatehouse', audience: 'gatehouse', ttlSeconds: 900, clock: systemClock });
  const { token } = tokens.sign({ userId: randomUUID(), role: 'USER', sessionId: randomUUID(), tokenVersion: 0 });
  const key = createSecretKey(Buffer.from(SECRET, 'utf8'));
  const options = { algorithms: ['HS256' as const], issuer: 'gatehouse', audience: 'gatehouse' };
  const micros = (opsPerSec: number) => round2(1e6 / opsPerSec);
  return {
    keyObject: micros(await opsPerSecond(() => jwt.verify(token, key, options), ms)),
    string: micros(await opsPerSecond(() => jwt.verify(token, SECRET, options), ms)),
    cached: micros(await opsPerSecond(() => tokens.verify(token), ms)),
  };
}
