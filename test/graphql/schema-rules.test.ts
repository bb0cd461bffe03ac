import { defaultFieldResolver, type GraphQLObjectType } from 'graphql';
import { SCHEMA_DIR } from '../../src/app';
import { buildSchema, readTypeDefs } from '../../src/graphql/schema';
import { createTestApp, type TestApp } from '../support/test-app';

/** Builds the served schema from the project's SDL after one textual edit, which must apply. */
function withEdit(typeDefs: readonly string[], from: string, to: string): string[] {
  const edited = typeDefs.map((sdl) => sdl.replace(from, to));
  if (edited.join('') === typeDefs.join('')) throw new Error(`"${from}" is not in the SDL`);
  return edited;
}

// Building a schema touches no database: one app on PGlite supplies the services.
describe('schema rules checked when the schema is built', () => {
  let t: TestApp;
  const sdl = readTypeDefs(SCHEMA_DIR);
  beforeAll(async () => {
    t = await createTestApp('pglite');
  });
  afterAll(() => t.close());

  it('builds the project SDL as it stands', () => {
    expect(() => buildSchema(sdl, t.app.services)).not.toThrow();
  });

  it('refuses a Query field that carries neither @auth nor @public, naming it', () => {
    const typeDefs = withEdit(sdl, 'me: User @auth', 'me: User');
    expect(() => buildSchema(typeDefs, t.app.services)).toThrow(/Query\.me carries neither @auth nor @public/);
  });

  it('refuses a Mutation field that carries both, naming it', () => {
    const typeDefs = withEdit(sdl, 'logoutAll: Boolean! @auth', 'logoutAll: Boolean! @auth @public');
    expect(() => buildSchema(typeDefs, t.app.services)).toThrow(/Mutation\.logoutAll carries both @auth and @public/);
  });

  it('checks fields added by `extend type Mutation` and names every offender at once', () => {
    let typeDefs = withEdit(sdl, 'revokeSession(id: ID!): Boolean! @auth', 'revokeSession(id: ID!): Boolean!');
    typeDefs = withEdit(typeDefs, 'login(input: LoginInput!): AuthPayload! @public', 'login(input: LoginInput!): AuthPayload!');
    let message = '';
    try {
      buildSchema(typeDefs, t.app.services);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Mutation\.revokeSession/);
    expect(message).toMatch(/Mutation\.login/);
  });

  it('wraps only guarded fields: payload and paging types keep their own resolvers, even once served', async () => {
    // Checked on the schema Apollo serves, after a request: a plugin hooking every field (such as
    // Apollo's default cache control) would have wrapped every resolver by then.
    await t.execute('{ __typename }');
    const schema = t.app.schema;
    const fieldsOf = (name: string) => (schema.getType(name) as GraphQLObjectType).getFields();
    for (const type of ['AuthPayload', 'PageInfo', 'UserConnection', 'UserEdge']) {
      for (const field of Object.values(fieldsOf(type))) expect([undefined, defaultFieldResolver]).toContain(field.resolve);
    }
    // The type rule reaches fields that have no resolver of their own.
    expect(fieldsOf('User')['username']?.resolve).toEqual(expect.any(Function));
    expect(fieldsOf('Session')['id']?.resolve).toEqual(expect.any(Function));
  });
});
