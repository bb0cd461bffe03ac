import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { users } from '../../src/db/schema';
import { databaseKinds } from '../support/databases';
import { LOGIN, REGISTER } from '../support/documents';
import { type HttpTestServer, parseLogLines, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

/** pino's number for `error`: a line at this level or above pages someone. */
const ERROR_LEVEL = 50;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const WRONG_HASH = sha256('{ somethingElse }');
const QUERY = '{ __typename }';

interface Answer {
  readonly status: number;
  readonly errors: { message: string; extensions?: Record<string, unknown> }[];
}

/**
 * What a client gets wrong must be answered as the client's error and logged at info at most:
 * anyone could otherwise fill the error log (and its alerts) at will.
 */
describe.each(databaseKinds())('client mistakes, in production, on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { production: true });
  });
  afterAll(() => server.close());

  /** The answer to `send`, and the levels of the log lines written while it ran. */
  async function answerAndLevels(send: () => Promise<Response>): Promise<{ answer: Answer; levels: number[] }> {
    const from = server.logLines.length;
    const response = await send();
    const body = (await response.json()) as { errors?: Answer['errors'] };
    const levels = parseLogLines(server.logLines.slice(from)).map((line) => line['level'] as number);
    return { answer: { status: response.status, errors: body.errors ?? [] }, levels };
  }

  const post = (body: unknown, contentType = 'application/json') => () =>
    fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  const get = (params: Record<string, string>) => () =>
    fetch(`${server.graphqlUrl}?${new URLSearchParams(params)}`, { headers: { 'apollo-require-preflight': 'true' } });
  const persisted = (hash: string, version = 1) => ({ persistedQuery: { version, sha256Hash: hash } });

  describe('automatic persisted queries', () => {
    it.each([
      ['POST', post({ query: QUERY, extensions: persisted(WRONG_HASH) })],
      ['GET', get({ query: QUERY, extensions: JSON.stringify(persisted(WRONG_HASH)) })],
    ])('answers a hash that does not match the query, over %s, with 400 BAD_REQUEST and no error log', async (_, send) => {
      const { answer, levels } = await answerAndLevels(send);
      expect(answer).toEqual({ status: 400, errors: [{ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } }] });
      expect(levels.length).toBeGreaterThan(0);
      expect(levels.filter((level) => level >= ERROR_LEVEL)).toEqual([]);
    });

    it('answers an unsupported version with 400 BAD_REQUEST and no error log', async () => {
      const { answer, levels } = await answerAndLevels(post({ query: QUERY, extensions: persisted(sha256(QUERY), 2) }));
      expect(answer).toEqual({ status: 400, errors: [{ message: 'Unsupported persisted query version', extensions: { code: 'BAD_REQUEST' } }] });
      expect(levels.filter((level) => level >= ERROR_LEVEL)).toEqual([]);
    });

    // Each its own query: a hash registered by one test would be known to the next.
    it.each([
      ['POST', '{ __typename __typename }', (hash: string) => post({ extensions: persisted(hash) })],
      ['GET', '{ __typename\n__typename }', (hash: string) => get({ extensions: JSON.stringify(persisted(hash)) })],
    ])('answers a hash it does not know, over %s, with PERSISTED_QUERY_NOT_FOUND, then runs the query once registered', async (_, query, sendHash) => {
      const send = sendHash(sha256(query));
      const { answer, levels } = await answerAndLevels(send);
      expect(answer.errors.map((error) => error.extensions?.['code'])).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect(levels.filter((level) => level >= ERROR_LEVEL)).toEqual([]);

      const registered = await post({ query, extensions: persisted(sha256(query)) })();
      expect(await registered.json()).toEqual({ data: { __typename: 'Query' } });
      expect(await (await send()).json()).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('a users(after:) cursor that decodes to a date the database cannot hold', () => {
    let adminToken: string;
    beforeAll(async () => {
      const account = newAccount('cursor');
      const { user } = payloadOf(await server.graphql(REGISTER, { variables: { input: account } }), 'register');
      await server.database.db.update(users).set({ role: 'ADMIN' }).where(eq(users.id, user.id));
      adminToken = payloadOf(await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } }), 'login').accessToken;
    });

    const cursorOf = (iso: string) => Buffer.from(`${iso}|00000000-0000-4000-8000-000000000000`, 'utf8').toString('base64url');

    it.each([
      ['year 275760 (JavaScript’s last date)', '+275760-09-13T00:00:00.000Z'],
      ['year 10000', '+010000-01-01T00:00:00.000Z'],
      ['year 0', '0000-01-01T00:00:00.000Z'],
      ['a year before the common era', '-000001-01-01T00:00:00.000Z'],
    ])('answers %s with BAD_USER_INPUT on `after`, and no error log', async (_, iso) => {
      const from = server.logLines.length;
      const result = await server.graphql('query($after: String) { users(first: 2, after: $after) { totalCount } }', {
        token: adminToken,
        variables: { after: cursorOf(iso) },
      });
      expect(result.body.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }]);
      const levels = parseLogLines(server.logLines.slice(from)).map((line) => line['level'] as number);
      expect(levels.filter((level) => level >= ERROR_LEVEL)).toEqual([]);
    });

    it('still accepts the cursors it gives out', async () => {
      const query = 'query($after: String) { users(first: 1, after: $after) { edges { cursor } } }';
      const first = await server.graphql(query, { token: adminToken, variables: { after: null } });
      const cursor = (first.body.data?.['users'] as { edges: { cursor: string }[] }).edges[0]!.cursor;
      const next = await server.graphql(query, { token: adminToken, variables: { after: cursor } });
      expect(next.body.errors).toBeUndefined();
    });
  });

  describe('a body declared in a charset other than UTF-8', () => {
    it.each(['latin1', 'utf-7', 'utf-16le', 'utf-32', 'ISO-8859-1', 'utf8'])('answers charset=%s with 415 saying what is wrong, logged at info', async (charset) => {
      const { answer, levels } = await answerAndLevels(post({ query: QUERY }, `application/json; charset=${charset}`));
      expect(answer).toEqual({
        status: 415,
        errors: [{ message: `Request body must be UTF-8 JSON (charset=${charset.toLowerCase()} is not supported)`, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
      });
      expect(levels).toEqual([30]);
    });

    it('does not decode UTF-7: the body is refused, not read as the query it spells', async () => {
      // `+AHs-` is UTF-7 for `{`: decoded, this body would run `{ __typename }`.
      const response = await fetch(server.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-7' },
        body: '+AHsAIg-query+ACIAOgAi-+AHs- __typename +AH0AIgB9-',
      });
      expect(response.status).toBe(415);
    });

    it('answers a Content-Encoding it cannot undo with 415 naming it, logged at info', async () => {
      const { answer, levels } = await answerAndLevels(() =>
        fetch(server.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'compress' }, body: JSON.stringify({ query: QUERY }) }),
      );
      expect(answer).toEqual({
        status: 415,
        errors: [{ message: 'Request body must be plain, gzip, deflate or br (Content-Encoding compress is not supported)', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
      });
      expect(levels).toEqual([30]);
    });

    it.each(['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset="utf-8"'])(
      'runs a body sent as %s',
      async (contentType) => {
        const response = await post({ query: QUERY }, contentType)();
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
      },
    );
  });
});
