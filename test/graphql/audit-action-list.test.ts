import { buildASTSchema, type GraphQLEnumType, parse } from 'graphql';
import { SCHEMA_DIR } from '../../src/app';
import { AUDIT_ACTIONS } from '../../src/db/schema';
import { readTypeDefs } from '../../src/graphql/schema';

describe('the AuditAction list', () => {
  it('is the same in the SDL as in src/db/schema.ts, where events are typed and stored', () => {
    const schema = buildASTSchema(parse(readTypeDefs(SCHEMA_DIR).join('\n')));
    const values = (schema.getType('AuditAction') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values).toEqual([...AUDIT_ACTIONS]);
  });
});
