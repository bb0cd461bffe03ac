import { randomBytes } from 'node:crypto';
import { print } from 'graphql';
import { createGatehouseClient, logIn, logOut } from './client';
import { MeDocument, RefreshDocument, RegisterDocument } from './documents';
import { memoryTokenStore } from './token-store';

/**
 * `npm run example`: the Apollo Client set-up of this folder against a running Gatehouse
 * (http://localhost:4000/graphql, or EXAMPLE_URL), step by step: register, log in, `me`, one
 * refresh shared by queries refused together, log out.
 */
const uri = process.env['EXAMPLE_URL'] ?? 'http://localhost:4000/graphql';
const say = (step: string, text: string) => process.stdout.write(`${step.padEnd(10)} ${text}\n`);

/** Counts the requests that leave, by operation name, to show what the link sends. */
function countingFetch(counts: Map<string, number>): typeof fetch {
  return (input, init) => {
    const operation = typeof init?.body === 'string' ? String((JSON.parse(init.body) as { operationName?: unknown }).operationName) : '?';
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    return fetch(input, init);
  };
}

async function main(): Promise<void> {
  const counts = new Map<string, number>();
  const tokens = memoryTokenStore();
  const client = createGatehouseClient({
    uri,
    tokens,
    fetch: countingFetch(counts),
    onLogout: (reason) => say('', `the session is over (${reason}): an app would show its login page now`),
  });
  say('server', uri);

  const username = `example_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('base64url');
  const input = { username, email: `${username}@example.com`, password };
  const registered = await client.mutate({ mutation: RegisterDocument, variables: { input }, errorPolicy: 'none' });
  say('register', `${username} (id ${registered.data.register.user.id})`);

  await logIn(client, tokens, username, password);
  say('log in', `as ${username}: an access token and a refresh token, kept in memory`);

  const me = () => client.query({ query: MeDocument, fetchPolicy: 'network-only', context: { queryDeduplication: false } });
  const { id, email, role } = (await me()).data?.me ?? {};
  say('me', `id ${id}, ${email}, role ${role}`);

  // As if the access token had expired: the server refuses it (TOKEN_INVALID), and the link
  // refreshes the pair. The three queries are refused together and share one refresh.
  const stale = tokens.get()!;
  tokens.set({ ...stale, accessToken: `${stale.accessToken}x` });
  counts.clear();
  const answers = await Promise.all([me(), me(), me()]);
  const names = answers.map((answer) => answer.data?.me?.username).join(', ');
  say('refresh', `3 queries with a refused access token: ${counts.get('Me')} Me requests (each refused once, then retried), ${counts.get('Refresh')} Refresh; answers: ${names}`);

  const refreshToken = tokens.get()!.refreshToken;
  await logOut(client, tokens);
  say('log out', `the session ended at the server, the tokens are forgotten (stored: ${JSON.stringify(tokens.get())})`);
  // The server's side of it: the refresh token of the ended session no longer rotates.
  const response = await fetch(uri, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(RefreshDocument), variables: { refreshToken } }),
  });
  const after = (await response.json()) as { errors?: { extensions?: { reason?: string } }[] };
  say('', `its refresh token is now refused: ${after.errors?.[0]?.extensions?.reason ?? 'not refused?'}`);
}

main().catch((error: unknown) => {
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  const hint = cause === 'ECONNREFUSED' ? ' Is Gatehouse running? Start it with `npm start`, or set EXAMPLE_URL.' : '';
  process.stderr.write(`example failed at ${uri}: ${(error as Error)?.message ?? String(error)}.${hint}\n`);
  process.exit(1);
});
