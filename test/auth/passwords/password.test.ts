import { createHash } from 'node:crypto';
import bcrypt from 'bcrypt';
import { BcryptPool } from '../../../src/auth/passwords/bcrypt-pool';
import { createPasswordHasher, type PasswordHasher } from '../../../src/auth/passwords/password';

describe('password hasher', () => {
  let hasher: PasswordHasher;
  const pool = new BcryptPool(2);

  beforeAll(async () => {
    hasher = await createPasswordHasher(4, pool);
  });
  afterAll(() => pool.close());

  it('writes hashes that bcrypt itself reads, and reads what bcrypt wrote (no lock-in to the pool)', async () => {
    const prehashed = (password: string) => createHash('sha256').update(password, 'utf8').digest('base64');
    const ours = await hasher.hash('correct horse battery staple');
    await expect(bcrypt.compare(prehashed('correct horse battery staple'), ours)).resolves.toBe(true);
    const theirs = await bcrypt.hash(prehashed('another password'), 4);
    await expect(hasher.verify('another password', theirs)).resolves.toBe(true);
  });

  it('stores a bcrypt hash at the configured cost, never the password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/);
    expect(hash).not.toContain('correct horse');
  });

  it('salts: one password hashes differently twice', async () => {
    expect(await hasher.hash('same password')).not.toBe(await hasher.hash('same password'));
  });

  it('verifies the right password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify('correct horse battery staple', hash)).resolves.toBe(true);
  });

  it('refuses a wrong password', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(hasher.verify('', hash)).resolves.toBe(false);
  });

  it('counts every character: passwords sharing their first 72 bytes differ', async () => {
    const prefix = 'p'.repeat(72);
    const first = `${prefix}${'a'.repeat(28)}`;
    const second = `${prefix}${'b'.repeat(28)}`;
    const hash = await hasher.hash(first);
    await expect(hasher.verify(first, hash)).resolves.toBe(true);
    await expect(hasher.verify(second, hash)).resolves.toBe(false);
    await expect(hasher.verify(prefix, hash)).resolves.toBe(false);
  });

  it('handles a 256-character multi-byte password, down to its last character', async () => {
    const password = '密码🔑é'.repeat(64);
    expect([...password]).toHaveLength(256);
    const hash = await hasher.hash(password);
    await expect(hasher.verify(password, hash)).resolves.toBe(true);
    await expect(hasher.verify(`${password.slice(0, -1)}e`, hash)).resolves.toBe(false);
  });

  it('does not fold a NUL byte: bcrypt would stop at it', async () => {
    const hash = await hasher.hash('password\u0000one');
    await expect(hasher.verify('password\u0000two', hash)).resolves.toBe(false);
  });

  it('tells apart passwords that differ only in Unicode normalisation', async () => {
    const composed = 'caf\u00e9-password';
    const decomposed = 'cafe\u0301-password';
    const hash = await hasher.hash(composed);
    await expect(hasher.verify(decomposed, hash)).resolves.toBe(false);
  });

  it('says false, after a dummy comparison, when there is no hash', async () => {
    await expect(hasher.verify('any password at all', undefined)).resolves.toBe(false);
  });
});
