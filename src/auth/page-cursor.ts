import { InputError } from '../errors';

/** What a page cursor holds: the instant a row is ordered by, and the key that settles ties. */
export interface CursorPosition {
  readonly at: Date;
  readonly key: string;
}

/** An opaque cursor: the position, base64url, so that clients hand it back and never build one. */
export function encodePageCursor(at: Date, key: string | number): string {
  return Buffer.from(`${at.toISOString()}|${key}`, 'utf8').toString('base64url');
}

// JavaScript's dates reach year 275760, far past what PostgreSQL takes: a cursor holds a date as
// encodePageCursor wrote it, so only that form, from 1970 to 9999, passes.
const CURSOR_DATES = { from: 0, until: Date.UTC(10_000, 0, 1) };

/** The position of a cursor this API returned; anything else is refused as `after`. */
export function decodePageCursor(cursor: string, isKey: (key: string) => boolean): CursorPosition {
  const [iso, key] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  const time = at.getTime();
  const written = time >= CURSOR_DATES.from && time < CURSOR_DATES.until && at.toISOString() === iso;
  if (key === undefined || !isKey(key) || !written) throw new InputError('after', 'Not a cursor this API returned.');
  return { at, key };
}
