import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql, type GraphQLSchema } from 'graphql';
import { SCHEMA_DIR } from '../../src/app';
import { applyAuthDirective } from '../../src/graphql/auth-directive';
import { createContext } from '../../src/graphql/context';
import { DateTime } from '../../src/graphql/date-time';
import { createFormatError } from '../../src/graphql/format-error';
import { ownerOf } from '../../src/graphql/resolvers/user';
import { readTypeDefs } from '../../src/graphql/schema';
import { databaseKinds } from '../support/databases';
import type { GraphQLResult } from '../support/documents';
import { claimsOf, expectOnlyError } from '../support/operations';
import { createTestApp, registerAdmin, registerUser, type TestApp } from '../support/test-app';

/**
 * The served SDL cannot reach a User without a valid token, nor has a field rule laxer than
 * its type's; this probe adds both, on the real SDL, directive and authentication.
 */
const PROBE_SDL = `
  type Probe @auth(requires: ADMIN) {
    open: String @auth(requires: USER)
    closed: String
    computed(suffix: String): String @auth(requires: USER)
  }
  extend type Query {
    probe: Probe @public
    someone(id: ID!): User @public
  }
`;

describe.each(databaseKinds())('@auth directive on %s', (kind) => {
  let t: TestApp;
  let probeSchema: GraphQLSchema;
  beforeAll(async () => {
    t = await createTestApp(kind);
    const schema = makeExecutableSchema({
      typeDefs: [...readTypeDefs(SCHEMA_DIR), PROBE_SDL],
      resolvers: {
        DateTime,
        Query: {
          probe: () => ({ open: 'open', closed: 'closed', computed: (args: { suffix?: string }) => `computed${args.suffix ?? ''}` }),
          someone: (_: unknown, { id }: { id: string }) => t.app.services.users.findById(id),
        },
      },
    });
    probeSchema = applyAuthDirective(schema, ownerOf);
  });
  afterAll(() => t.close());

  const formatError = createFormatError({ production: false });
  async function probe(source: string, token?: string, variables?: Record<string, unknown>): Promise<GraphQLResult> {
    const authorization = token === undefined ? undefined : `Bearer ${token}`;
    const contextValue = await createContext(t.app.authenticate, { authorization, ip: undefined, userAgent: undefined });
    const result = await graphql({ schema: probeSchema, source, contextValue, variableValues: variables });
    return { data: result.data, errors: result.errors?.map((e) => formatError(e.toJSON(), e)) };
  }

  it('reads a guarded field without a resolver as graphql would: a method property is called with the arguments', async () => {
    const user = await registerUser(t);
    const result = await probe('{ probe { open computed(suffix: " here") } }', user.accessToken);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ probe: { open: 'open', computed: 'computed here' } });
  });

  it('denies one field with one error at its path, and the rest of the response stands', async () => {
    const user = await registerUser(t);
    const result = await t.execute('{ me { id username disabled } }', { token: user.accessToken });
    expect(result.data).toEqual({ me: { id: user.id, username: user.username, disabled: null } });
    expectOnlyError(result, ['me', 'disabled'], { code: 'FORBIDDEN' });
  });

  it('lets a USER read the email and sessions of their own User (allowSelf)', async () => {
    const user = await registerUser(t);
    const result = await t.execute('{ me { email sessions { id current } } }', { token: user.accessToken });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ me: { email: user.email, sessions: [{ id: claimsOf(user.accessToken).sid, current: true }] } });
  });

  it("hides another user's email and sessions from a USER, each with its own error", async () => {
    const [user, other] = [await registerUser(t), await registerUser(t)];
    const result = await t.execute('query($id: ID!) { user(id: $id) { username email } again: user(id: $id) { id sessions { id } } }', {
      token: user.accessToken,
      variables: { id: other.id },
    });
    expect(result.data).toEqual({ user: { username: other.username, email: null }, again: { id: other.id, sessions: null } });
    expect(result.errors).toHaveLength(2);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['user', 'email'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
        expect.objectContaining({ path: ['again', 'sessions'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ]),
    );
  });

  it('lets an ADMIN pass USER rules, ADMIN-only fields and the sessions of others', async () => {
    const [admin, other] = [await registerAdmin(t), await registerUser(t)];
    const result = await t.execute('query($id: ID!) { me { id disabled } user(id: $id) { email role disabled sessions { id current } } }', {
      token: admin.accessToken,
      variables: { id: other.id },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      me: { id: admin.id, disabled: false },
      user: { email: other.email, role: 'USER', disabled: false, sessions: [{ id: claimsOf(other.accessToken).sid, current: false }] },
    });
  });

  it('guards every field of a User by the type rule: no token, no username', async () => {
    const user = await registerUser(t);
    const anonymous = await probe('query($id: ID!) { someone(id: $id) { username } }', undefined, { id: user.id });
    expect(anonymous.data).toEqual({ someone: null });
    expectOnlyError(anonymous, ['someone', 'username'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });

    const invalid = await probe('query($id: ID!) { someone(id: $id) { username } }', 'garbage', { id: user.id });
    expectOnlyError(invalid, ['someone', 'username'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });

    const other = await registerUser(t);
    const signedIn = await probe('query($id: ID!) { someone(id: $id) { username } }', other.accessToken, { id: user.id });
    expect(signedIn).toEqual({ data: { someone: { username: user.username } }, errors: undefined });
  });

  it("applies a field's own rule instead of its type's", async () => {
    const [user, admin] = [await registerUser(t), await registerAdmin(t)];
    const asUser = await probe('{ probe { open closed } }', user.accessToken);
    expect(asUser.data).toEqual({ probe: { open: 'open', closed: null } });
    expectOnlyError(asUser, ['probe', 'closed'], { code: 'FORBIDDEN' });

    const asAdmin = await probe('{ probe { open closed } }', admin.accessToken);
    expect(asAdmin).toEqual({ data: { probe: { open: 'open', closed: 'closed' } }, errors: undefined });
  });
});
