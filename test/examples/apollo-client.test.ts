import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { LogoutReason } from '../../examples/apollo-client/auth-link';
import { generateSync } from 'otplib';
import { createGatehouseClient, logIn, logOut, submitRecoveryCode, submitTotp } from '../../examples/apollo-client/client';
import { MeDocument } from '../../examples/apollo-client/documents';
import { memoryTokenStore } from '../../examples/apollo-client/token-store';
import { databaseKinds } from '../support/databases';
import { LOGIN, LOGOUT_ALL, REFRESH, REGISTER } from '../support/documents';
import { FakeClock } from '../support/fake-clock';
import { type HttpTestServer, parseLogLines, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

const ACCESS_TOKEN_TTL_MS = 2_000;

// The example as an app would use it, against a started server. The server's clock is a fake
// one: a test expires the access token by moving it, never by waiting.
describe.each(databaseKinds())('the Apollo Client example against a server on %s', (kind) => {
  let server: HttpTestServer;
  const clock = new FakeClock();
  beforeAll(async () => {
    server = await startTestServer(kind, { env: { ACCESS_TOKEN_TTL: `${ACCESS_TOKEN_TTL_MS / 1000}s` }, clock });
  });
  afterAll(() => server.close());

  /** A new user, registered over HTTP, then logged in through the example. */
  async function loggedIn() {
    const account = newAccount('apollo');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    const tokens = memoryTokenStore();
    const logouts: LogoutReason[] = [];
    const client = createGatehouseClient({ uri: server.graphqlUrl, tokens, onLogout: (reason) => logouts.push(reason) });
    const { user } = await logIn(client, tokens, account.username, account.password);
    // Ten components asking at once put ten requests on the wire: no deduplication, no cache.
    const me = () => client.query({ query: MeDocument, fetchPolicy: 'network-only', context: { queryDeduplication: false } });
    return { account, tokens, logouts, client, user, me };
  }

  /** The request lines the server logged while `work` ran: [operation, outcome]. */
  async function requestsDuring(work: () => Promise<unknown>): Promise<string[][]> {
    const from = server.logLines.length;
    await work();
    return parseLogLines(server.logLines.slice(from))
      .filter((line) => line['msg'] === 'graphql request')
      .map((line) => [String(line['operation']), String(line['outcome'])]);
  }

  const count = (requests: string[][], operation: string, outcome: string) =>
    requests.filter(([op, out]) => op === operation && out === outcome).length;

  /** The reasons of a rejected operation's GraphQL errors. */
  const reasonsOf = (settled: PromiseSettledResult<unknown>) =>
    settled.status === 'rejected' && CombinedGraphQLErrors.is(settled.reason) ? settled.reason.errors.map((e) => e.extensions?.['reason']) : [];

  it('sends the access token: the query runs as the user who logged in', async () => {
    const { me, user, account } = await loggedIn();
    expect((await me()).data?.me).toMatchObject({ id: user.id, username: account.username, email: account.email, role: 'USER' });
  });

  it('refreshes once when ten queries are refused together for an expired token, and all ten succeed', async () => {
    const { me, user, tokens, logouts } = await loggedIn();
    expect((await me()).data?.me?.id).toBe(user.id);
    const before = tokens.get();
    clock.advance(ACCESS_TOKEN_TTL_MS);

    let results: Awaited<ReturnType<typeof me>>[] = [];
    const requests = await requestsDuring(async () => {
      results = await Promise.all(Array.from({ length: 10 }, me));
    });

    expect(results.map((result) => result.data?.me?.id)).toEqual(Array(10).fill(user.id));
    expect(requests.filter(([operation]) => operation === 'Refresh')).toEqual([['Refresh', 'ok']]);
    expect(count(requests, 'Me', 'UNAUTHENTICATED')).toBe(10);
    expect(count(requests, 'Me', 'ok')).toBe(10);
    expect(tokens.get()?.refreshToken).not.toBe(before?.refreshToken);
    expect(logouts).toEqual([]);
  });

  it('logs out cleanly, once, when its refresh token was already spent elsewhere (REFRESH_TOKEN_REUSED)', async () => {
    const { me, tokens, logouts } = await loggedIn();
    // Someone else holding the same refresh token (a copied store, a thief) refreshes first.
    payloadOf(await server.graphql(REFRESH, { variables: { refreshToken: tokens.get()!.refreshToken } }), 'refresh');
    clock.advance(ACCESS_TOKEN_TTL_MS);

    let settled: PromiseSettledResult<unknown>[] = [];
    const requests = await requestsDuring(async () => {
      settled = await Promise.allSettled(Array.from({ length: 3 }, me));
    });

    expect(settled.map(reasonsOf)).toEqual(Array(3).fill(['TOKEN_EXPIRED']));
    expect(logouts).toEqual(['REFRESH_TOKEN_REUSED']);
    expect(tokens.get()).toBeNull();
    expect(requests.filter(([operation]) => operation === 'Refresh')).toEqual([['Refresh', 'UNAUTHENTICATED']]);
  });

  it('logs out with REFRESH_TOKEN_INVALID when its session was ended from another device', async () => {
    const { me, tokens, logouts, account } = await loggedIn();
    const elsewhere = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login');
    expect((await server.graphql(LOGOUT_ALL, { token: elsewhere.accessToken })).body).toEqual({ data: { logoutAll: true } });

    const settled = await Promise.allSettled([me()]);

    expect(settled.map(reasonsOf)).toEqual([['TOKEN_REVOKED']]);
    expect(logouts).toEqual(['REFRESH_TOKEN_INVALID']);
    expect(tokens.get()).toBeNull();
  });

  it('passes a refusal through untouched when there is nothing to refresh', async () => {
    const tokens = memoryTokenStore();
    const logouts: LogoutReason[] = [];
    const client = createGatehouseClient({ uri: server.graphqlUrl, tokens, onLogout: (reason) => logouts.push(reason) });

    const requests = await requestsDuring(async () => {
      const settled = await Promise.allSettled([client.query({ query: MeDocument })]);
      expect(settled.map(reasonsOf)).toEqual([['TOKEN_MISSING']]);
    });

    expect(requests).toEqual([['Me', 'UNAUTHENTICATED']]);
    expect(logouts).toEqual([]);
  });

  it('hands the app an mfaRequired state for an account with a second factor, and completes the sign-in with a code', async () => {
    const account = newAccount('apollo');
    const registered = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
    const token = registered.accessToken;
    const enrolled = (await server.graphql('mutation { enrollTotp { secret } }', { token })).body.data?.['enrollTotp'] as { secret: string };
    const code = () => generateSync({ secret: enrolled.secret, epoch: Math.floor(clock.now() / 1000) });
    const confirmed = (await server.graphql('mutation($code: String!) { confirmTotp(code: $code) { codes } }', { token, variables: { code: code() } })).body.data?.['confirmTotp'] as { codes: string[] };
    clock.advance(30_000);

    const tokens = memoryTokenStore();
    const prompts: string[] = [];
    const logouts: LogoutReason[] = [];
    const client = createGatehouseClient({ uri: server.graphqlUrl, tokens, onLogout: (reason) => logouts.push(reason), onMfaRequired: () => prompts.push('code') });
    const pending = await logIn(client, tokens, account.username, account.password);
    expect(pending).toEqual({ status: 'mfaRequired', user: { __typename: 'User', id: registered.user.id, username: account.username } });

    // The pending pair opens nothing else: the link neither refreshes nor logs out, it asks for the code.
    const requests = await requestsDuring(async () => {
      const settled = await Promise.allSettled([client.query({ query: MeDocument, fetchPolicy: 'network-only' })]);
      expect(settled.map(reasonsOf)).toEqual([['MFA_REQUIRED']]);
    });
    expect(requests).toEqual([['Me', 'UNAUTHENTICATED']]);
    expect(prompts).toEqual(['code']);

    expect((await submitTotp(client, tokens, code())).status).toBe('signedIn');
    expect((await client.query({ query: MeDocument, fetchPolicy: 'network-only' })).data?.me?.id).toBe(registered.user.id);

    // Another device, with a recovery code instead of the app.
    const other = memoryTokenStore();
    const otherClient = createGatehouseClient({ uri: server.graphqlUrl, tokens: other, onLogout: (reason) => logouts.push(reason) });
    expect((await logIn(otherClient, other, account.username, account.password)).status).toBe('mfaRequired');
    expect((await submitRecoveryCode(otherClient, other, confirmed.codes[0]!)).status).toBe('signedIn');
    expect(logouts).toEqual([]);
  });

  it('logs out: the session ends at the server and the tokens are forgotten', async () => {
    const { client, tokens, logouts } = await loggedIn();
    const refreshToken = tokens.get()!.refreshToken;

    await logOut(client, tokens);

    expect(tokens.get()).toBeNull();
    const spent = await server.graphql(REFRESH, { variables: { refreshToken } });
    expect(spent.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'REFRESH_TOKEN_INVALID' });
    expect(logouts).toEqual([]);
  });
});
