import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevSecret } from '../../src/config/dev-secret';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('ensureDevSecret', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'gatehouse-dev-secret-')), 'data');
  });

  afterEach(() => {
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('generates a long secret on first use, readable by the owner only', () => {
    const result = ensureDevSecret(dataDir);
    expect(result.created).toBe(true);
    expect(result.path).toBe(join(dataDir, 'jwt-secret'));
    expect(Buffer.byteLength(result.secret, 'utf8')).toBeGreaterThanOrEqual(32);
    expect(modeOf(result.path)).toBe(0o600);
  });

  it('gives the same secret on the next call', () => {
    const first = ensureDevSecret(dataDir);
    const second = ensureDevSecret(dataDir);
    expect(second).toEqual({ ...first, created: false });
  });

  it('gives another secret in another data dir', () => {
    const other = `${dataDir}-other`;
    expect(ensureDevSecret(other).secret).not.toBe(ensureDevSecret(dataDir).secret);
  });

  it('tightens a file left readable by others', () => {
    const { path, secret } = ensureDevSecret(dataDir);
    chmodSync(path, 0o644);
    expect(ensureDevSecret(dataDir).secret).toBe(secret);
    expect(modeOf(path)).toBe(0o600);
  });

  it('refuses a file that holds no usable secret, saying which', () => {
    ensureDevSecret(dataDir);
    writeFileSync(join(dataDir, 'jwt-secret'), 'short\n');
    expect(() => ensureDevSecret(dataDir)).toThrow(join(dataDir, 'jwt-secret'));
  });
});
