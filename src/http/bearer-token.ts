import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether an Authorization header carries `Bearer <expected>`. Both sides are hashed first, so
 * the comparison is constant-time and of equal lengths: the time taken tells neither how much of
 * a guess was right nor how long the token is.
 */
export function bearerMatcher(expected: string): (authorization: string | undefined) => boolean {
  const want = digest(expected);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!), want);
  };
}
