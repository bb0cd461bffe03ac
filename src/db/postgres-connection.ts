/** Where postgres.js connects: the URL, and a Unix-socket directory when the URL names one. */
export interface PostgresConnection {
  readonly url: string;
  readonly host?: string;
}

/**
 * libpq's way to reach a server over its Unix socket is a `host` in the query
 * (`postgresql:///app?host=/var/run/postgresql`). postgres.js sends every query parameter to the
 * server as a setting, so such a URL failed start-up with `unrecognized configuration parameter
 * "host"`. The `host` is taken off the URL and given to postgres.js as its own `host` option,
 * which it reads as a socket directory when it holds a `/`.
 */
export function postgresConnection(url: string): PostgresConnection {
  const parsed = new URL(url);
  const host = parsed.searchParams.get('host');
  if (host === null) return { url };
  parsed.searchParams.delete('host');
  return { url: parsed.toString(), host };
}

/** The options that go with postgresConnection's URL. */
export const hostOption = (connection: PostgresConnection): { host?: string } => (connection.host === undefined ? {} : { host: connection.host });
