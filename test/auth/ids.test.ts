import { randomUUID } from 'node:crypto';
import { isId } from '../../src/auth/ids';

describe('isId', () => {
  it.each([randomUUID(), '00000000-0000-0000-0000-000000000000', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'])('accepts the UUID %s', (id) => {
    expect(isId(id)).toBe(true);
  });

  it.each(['', 'abc', '1', `${randomUUID()} `, `${randomUUID()}\n`, `x${randomUUID()}`, randomUUID().replaceAll('-', ''), "1' or '1'='1"])(
    'refuses %j',
    (id) => {
      expect(isId(id)).toBe(false);
    },
  );
});
