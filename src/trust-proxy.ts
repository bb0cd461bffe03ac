/**
 * TRUST_PROXY as Express's `trust proxy` setting: unset or `false` trusts no proxy (the socket's
 * address is the client's); `true` trusts every hop; a whole number trusts that many hops; anything
 * else is a comma-separated list of addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal`.
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}
