import { databaseKinds } from '../support/databases';
import { LOGIN, REGISTER } from '../support/documents';
import { type HttpTestServer, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';

describe.each(databaseKinds())('in production on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { production: true });
  });
  afterAll(() => server.close());

  it('serves no Sandbox page to a browser', async () => {
    const response = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type')).not.toMatch(/^text\/html/);
    expect(await response.text()).not.toContain('sandbox');
  });

  it('answers a validation error with its code and no stacktrace', async () => {
    const result = await server.graphql('{ noSuchField }');
    expect(result.status).toBe(400);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});

describe.each(databaseKinds())('in production, once the database is gone, on %s', (kind) => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { production: true });
    await server.closeDatabase();
  });
  afterAll(() => server.close());

  it('answers GET /health with 503', async () => {
    const response = await fetch(`${server.origin}/health`);
    expect(response.status).toBe(503);
  });

  it('answers login with INTERNAL_SERVER_ERROR and nothing more: no stack, no SQL', async () => {
    const account = newAccount('gone');
    const result = await server.graphql(LOGIN, { variables: { input: { username: account.username, password: account.password } } });
    expect(result.body.data).toBeNull();
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    expect(result.body.errors?.[0]?.message).not.toMatch(/select|from|where|users|sessions/i);
  });

  it('answers register the same way, and neither the answer nor the logs hold the password or its hash', async () => {
    const account = newAccount('gone');
    // The failing insert carries the bcrypt hash as a parameter: the driver's error must not leak it.
    const result = await server.graphql(REGISTER, { variables: { input: account } });
    expect(result.body.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
    const answer = JSON.stringify(result.body);
    expect(answer).not.toMatch(/insert|\$2[aby]\$/i);
    expect(answer).not.toContain(account.password);

    const logs = server.logLines.join('');
    expect(logs).toContain('unexpected error');
    expect(logs).not.toMatch(/\$2[aby]\$/);
    expect(logs).not.toContain(account.password);
  });
});

describe('in development, once the database is gone', () => {
  let server: HttpTestServer;
  beforeAll(async () => {
    server = await startTestServer('pglite', { production: false });
    await server.closeDatabase();
  });
  afterAll(() => server.close());

  it('says what failed but never a query parameter such as the new bcrypt hash', async () => {
    const account = newAccount('devgone');
    const result = await server.graphql(REGISTER, { variables: { input: account } });
    expect(result.body.errors?.[0]?.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(result.body.errors?.[0]?.message).toMatch(/^Internal server error: ./);
    const answer = JSON.stringify(result.body);
    expect(answer).not.toMatch(/\$2[aby]\$/);
    expect(answer).not.toContain(account.password);
  });
});
