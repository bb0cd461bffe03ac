import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOGIN, REGISTER, REQUEST_EMAIL_VERIFICATION, REQUEST_PASSWORD_RESET, RESET_PASSWORD, SEND_PASSWORD_RESET, CHANGE_EMAIL } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { newAccount } from '../support/operations';
import { type RunningService, startService } from '../support/process';
import { textPart, tokenIn } from '../support/smtp-sink';
import { TEST_SECRET } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const START_MS = 45_000;

describe('the started process in development with no SMTP_URL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({ NODE_ENV: 'development', DATA_DIR: dataDir }, START_MS);
  }, START_MS);
  afterAll(async () => {
    await service?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes each mail as an .eml file in DATA_DIR/outbox; the reset link in it works; the log names the file, never the link', async () => {
    const url = `${service.origin}/graphql`;
    const outbox = join(dataDir, 'outbox');
    expect(service.logs().find((line) => line['mail'] === 'outbox')?.['msg']).toContain(outbox);
    const account = newAccount('outbox');
    payloadOf(await postGraphQL(url, REGISTER, { variables: { input: account } }), 'register');
    expect((await postGraphQL(url, REQUEST_PASSWORD_RESET, { variables: { email: account.email } })).body).toEqual({ data: { requestPasswordReset: true } });

    const files = () => (existsSync(outbox) ? readdirSync(outbox) : []).filter((name) => name.includes('password-reset'));
    await waitFor(() => files().length === 1, 'the reset mail in the outbox');
    const raw = readFileSync(join(outbox, files()[0]!), 'utf8');
    expect(raw).toMatch(new RegExp(`^To: ${account.email}$`, 'm'));
    const token = tokenIn(textPart(raw), 'reset-password');
    expect(textPart(raw)).toContain(`http://localhost:3000/reset-password?token=${token}`);

    payloadOf(await postGraphQL(url, RESET_PASSWORD, { variables: { token, newPassword: 'reset from the outbox' } }), 'resetPassword');
    payloadOf(await postGraphQL(url, LOGIN, { variables: { input: { username: account.username, password: 'reset from the outbox' } } }), 'login');
    await waitFor(() => service.logs().some((line) => line['mail'] === 'password-was-reset'), 'the notice to be written');
    const written = service.logs().find((line) => line['mail'] === 'password-reset');
    expect(written?.['file']).toBe(join(outbox, files()[0]!));
    expect(service.output()).not.toContain(token);
  });
});

describe('the started process in production with no SMTP_URL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-off-'));
  const admin = newAccount('offadmin');
  let service: RunningService;
  beforeAll(async () => {
    service = await startService(
      { NODE_ENV: 'production', JWT_SECRET: TEST_SECRET, BCRYPT_COST: '10', DATA_DIR: dataDir, ADMIN_USERNAME: admin.username, ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: admin.password },
      START_MS,
    );
  }, START_MS);
  afterAll(async () => {
    await service?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says at start-up that mail is off; register works; the four mail mutations fail with one clear error, whatever their input', async () => {
    expect(service.logs().find((line) => line['mail'] === 'off')).toMatchObject({ level: 40, msg: expect.stringContaining('mail is off') });
    const url = `${service.origin}/graphql`;
    const account = newAccount('mailoff');
    const user = payloadOf(await postGraphQL(url, REGISTER, { variables: { input: account } }), 'register');
    const adminPair = payloadOf(await postGraphQL(url, LOGIN, { variables: { input: { username: admin.username, password: admin.password } } }), 'login');

    const answers = await Promise.all([
      postGraphQL(url, REQUEST_PASSWORD_RESET, { variables: { email: account.email } }),
      postGraphQL(url, REQUEST_PASSWORD_RESET, { variables: { email: 'not an address' } }),
      postGraphQL(url, REQUEST_EMAIL_VERIFICATION, { token: user.accessToken }),
      postGraphQL(url, CHANGE_EMAIL, { variables: { newEmail: `new-${account.email}`, currentPassword: account.password }, token: user.accessToken }),
      postGraphQL(url, CHANGE_EMAIL, { variables: { newEmail: 'x', currentPassword: 'wrong' }, token: user.accessToken }),
      postGraphQL(url, SEND_PASSWORD_RESET, { variables: { userId: user.user.id }, token: adminPair.accessToken }),
      postGraphQL(url, SEND_PASSWORD_RESET, { variables: { userId: 'no such id' }, token: adminPair.accessToken }),
    ]);
    const errors = answers.map((answer) => answer.body.errors?.[0]);
    const message = errors[0]?.message;
    expect(message).toMatch(/mail is off/i);
    for (const error of errors) expect(error).toMatchObject({ message, extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });
});
