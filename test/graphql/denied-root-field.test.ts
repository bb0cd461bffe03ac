import { getDirective } from '@graphql-tools/utils';
import { type GraphQLObjectType, isNonNullType } from 'graphql';
import { databaseKinds } from '../support/databases';
import { createTestApp, registerUser, type TestApp } from '../support/test-app';
import { expectOnlyError } from '../support/operations';

describe.each(databaseKinds())('a denied root field on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(() => t.close());

  it('is null with its error, and the rest of the response stands', async () => {
    const user = await registerUser(t);
    const result = await t.execute('{ me { username } users { totalCount } }', { token: user.accessToken });
    expect(result.data).toEqual({ me: { username: user.username }, users: null });
    expectOnlyError(result, ['users'], { code: 'FORBIDDEN' });
  });

  it('is null beside the open fields of an anonymous query', async () => {
    const result = await t.execute('{ __typename users { totalCount } }');
    expect(result.data).toEqual({ __typename: 'Query', users: null });
    expectOnlyError(result, ['users'], { code: 'UNAUTHENTICATED', reason: 'TOKEN_MISSING' });
  });

  // A non-null guarded field would null the whole `data` when denied, taking its siblings with it.
  it('can be null: every guarded Query field is nullable', () => {
    const query = t.app.schema.getQueryType() as GraphQLObjectType;
    const guarded = Object.values(query.getFields()).filter((field) => getDirective(t.app.schema, field, 'auth') !== undefined);
    expect(guarded.map((field) => field.name)).toEqual(expect.arrayContaining(['me', 'user', 'users']));
    expect(guarded.filter((field) => isNonNullType(field.type)).map((field) => field.name)).toEqual([]);
  });
});
