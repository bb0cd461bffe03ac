import { decodePageCursor, encodePageCursor } from '../../src/auth/page-cursor';
import { InputError } from '../../src/errors';

const digits = (key: string) => /^[0-9]+$/.test(key);

describe('page cursors', () => {
  it('give back the position they were made of', () => {
    const at = new Date('2026-12-01T10:20:30.456Z');
    expect(decodePageCursor(encodePageCursor(at, 42), digits)).toEqual({ at, key: '42' });
  });

  it.each([
    ['not base64 of a cursor', 'bm90IGEgY3Vyc29y'],
    ['a date PostgreSQL does not take', Buffer.from('+275760-09-13T00:00:00.000Z|1').toString('base64url')],
    ['a date in another form', Buffer.from('2026-12-01|1').toString('base64url')],
    ['a key the caller refuses', encodePageCursor(new Date(0), 'x1')],
    ['no key', Buffer.from(new Date(0).toISOString()).toString('base64url')],
  ])('refuse %s as `after`', (_, cursor) => {
    let thrown: unknown;
    try {
      decodePageCursor(cursor, digits);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).details()).toMatchObject({ field: 'after' });
  });
});
