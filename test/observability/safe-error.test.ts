import { DrizzleQueryError } from 'drizzle-orm';
import { safeError } from '../../src/observability/safe-error';

const SECRET = 'secretvalue';
const QUERY = 'insert into "sessions" ("token_hash") values ($1)';

/** Shaped like drizzle's error: the parameters are in its message, and so in its stack. */
function drizzleLikeError(cause: unknown): Error {
  const error = new Error(`Failed query: ${QUERY}\nparams: ${SECRET}`, { cause });
  return Object.assign(error, { query: QUERY, params: [SECRET] });
}

const driverError = () => Object.assign(new Error('duplicate key value violates unique constraint "sessions_token_hash"'), { code: '23505' });

describe('safeError', () => {
  it('keeps the SQL and the driver error of a drizzle-like error, never the parameters', () => {
    const cause = driverError();
    const logged = safeError(drizzleLikeError(cause));
    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged).toMatchObject({ query: QUERY, message: cause.message, code: '23505', stack: cause.stack });
  });

  it("hides the parameters of drizzle's own DrizzleQueryError", () => {
    const error = new DrizzleQueryError(QUERY, [SECRET], driverError());
    expect(error.message).toContain(SECRET);
    expect(JSON.stringify(safeError(error))).not.toContain(SECRET);
  });

  it.each([
    ['a string', 'connection lost'],
    ['nothing', undefined],
    ['a plain object', { message: 'connection lost' }],
  ])('hides the parameters when the cause is %s', (_label, cause) => {
    const logged = safeError(drizzleLikeError(cause));
    expect(JSON.stringify(logged)).not.toContain(SECRET);
    expect(logged).toMatchObject({ query: QUERY });
  });

  it('keeps the message of a driver error that carries its query but no parameters in its text', () => {
    const error = Object.assign(driverError(), { query: QUERY });
    expect(safeError(error)).toMatchObject({ message: error.message });
  });

  it('keeps the message and stack of an ordinary error', () => {
    const error = new TypeError('boom');
    expect(safeError(error)).toEqual({ type: 'TypeError', message: 'boom', stack: error.stack });
  });

  it.each([
    ['a string', 'boom', 'boom'],
    ['a number', 42, '42'],
    ['undefined', undefined, 'undefined'],
  ])('turns a thrown %s into a message', (_label, thrown, message) => {
    expect(safeError(thrown)).toEqual({ message });
  });
});
