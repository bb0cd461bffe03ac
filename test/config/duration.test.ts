import { parseDuration } from '../../src/config/duration';

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    ['0', 0],
    ['45s', 45],
    ['15m', 900],
    ['2h', 7200],
    ['30d', 2_592_000],
    [' 15m ', 900],
    ['007', 7],
  ])('reads %p as %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', ' ', '5y', '15M', '1.5h', '-1', '+1', '15 m', 'm', '1e3', '0x10', '15mm', '1h30m', '1234567890'])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
