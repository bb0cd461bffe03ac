import proxyaddr from 'proxy-addr';

export type TrustProxy = boolean | number | readonly string[];

/**
 * TRUST_PROXY as Express's `trust proxy` setting: unset or `false` trusts no proxy (the socket's
 * address is the client's); `true` trusts every hop; a whole number trusts that many hops; anything
 * else is a comma-separated list of addresses, CIDR ranges or `loopback`/`linklocal`/`uniquelocal`.
 * Throws for a list entry that is none of those, with proxy-addr's (Express's) own message.
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  proxyaddr.compile(list);
  return list;
}
