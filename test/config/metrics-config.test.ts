import { loadConfig } from '../../src/config/config';

const TOKEN = 'a'.repeat(32);

/** Matches a ConfigError whose message names `variable`. */
const namingVariable = (variable: string) => expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining(variable) });

describe('METRICS_TOKEN and METRICS_PORT', () => {
  it('are unset by default', () => {
    const config = loadConfig({});
    expect([config.metricsToken, config.metricsPort]).toEqual([undefined, undefined]);
  });

  it('are read as given', () => {
    const config = loadConfig({ METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' });
    expect([config.metricsToken, config.metricsPort]).toEqual([TOKEN, 9464]);
  });

  it('treat an empty value as unset', () => {
    const config = loadConfig({ METRICS_TOKEN: '', METRICS_PORT: '' });
    expect([config.metricsToken, config.metricsPort]).toEqual([undefined, undefined]);
  });

  it.each([
    ['only 31 characters', 'a'.repeat(31)],
    ['with a space', `${'a'.repeat(20)} ${'a'.repeat(20)}`],
    ['with a non-ASCII character', `${'a'.repeat(32)}é`],
  ])('refuse a token %s', (_, token) => {
    expect(() => loadConfig({ METRICS_TOKEN: token })).toThrow(namingVariable('METRICS_TOKEN'));
  });

  it.each(['-1', '65536', '94.5', 'metrics'])('refuse METRICS_PORT=%s', (port) => {
    expect(() => loadConfig({ METRICS_PORT: port })).toThrow(namingVariable('METRICS_PORT'));
  });

  it('refuse METRICS_PORT equal to PORT', () => {
    expect(() => loadConfig({ PORT: '4000', METRICS_PORT: '4000' })).toThrow(namingVariable('METRICS_PORT'));
    expect(() => loadConfig({ METRICS_PORT: '4000' })).toThrow(namingVariable('METRICS_PORT'));
    expect(loadConfig({ PORT: '0', METRICS_PORT: '0' }).metricsPort).toBe(0);
  });
});
