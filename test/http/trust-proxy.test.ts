import { parseTrustProxy } from '../../src/http/trust-proxy';

describe('parseTrustProxy', () => {
  it.each([undefined, '', 'false'])('trusts no proxy for %p', (value) => {
    expect(parseTrustProxy(value)).toBe(false);
  });

  it('trusts every hop for true', () => {
    expect(parseTrustProxy('true')).toBe(true);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['2', 2],
  ])('trusts %s hops', (value, hops) => {
    expect(parseTrustProxy(value)).toBe(hops);
  });

  it('reads a list of addresses, ranges and names, trimmed', () => {
    expect(parseTrustProxy('loopback, 10.0.0.0/8 ,192.168.1.7,,uniquelocal')).toEqual(['loopback', '10.0.0.0/8', '192.168.1.7', 'uniquelocal']);
  });

  it('reads a single address as a list of one', () => {
    expect(parseTrustProxy('10.1.2.3')).toEqual(['10.1.2.3']);
  });
});
