import { DEFAULT_MAIL_LIMITS, type MailLimitSettings } from '../../src/auth/mail/mail-limits';
import { databaseKinds, uniqueName } from '../support/databases';
import { REGISTER, REQUEST_PASSWORD_RESET } from '../support/documents';
import { type HttpTestServer, payloadOf, startTestServer } from '../support/http-server';
import { newAccount } from '../support/operations';
import { type SmtpSink, startSmtpSink } from '../support/smtp-sink';
import { freshIp } from '../support/test-app';

const ROUNDS = 25;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

// The timing comparison asks for many resets of one address: the limits would refuse them first.
const ROOMY: MailLimitSettings = {
  ...DEFAULT_MAIL_LIMITS,
  resetEmail: { ...DEFAULT_MAIL_LIMITS.resetEmail, points: 1_000_000 },
  resetIp: { ...DEFAULT_MAIL_LIMITS.resetIp, points: 1_000_000 },
};

/** Can a stranger tell which addresses have accounts from requestPasswordReset? Not by answer, time or limit. */
describe.each(databaseKinds())('address enumeration through requestPasswordReset on %s', (kind) => {
  let sink: SmtpSink;
  /** Answers each mail after 100 ms, as a distant relay might: a reset that waited for its mail would show. */
  let slowSink: SmtpSink;
  let limited: HttpTestServer;
  let roomy: HttpTestServer;

  beforeAll(async () => {
    sink = await startSmtpSink();
    slowSink = await startSmtpSink({ acceptDelayMs: 100 });
    limited = await startTestServer(kind, { env: { SMTP_URL: sink.url, TRUST_PROXY: 'loopback' } });
    roomy = await startTestServer(kind, { env: { SMTP_URL: slowSink.url, TRUST_PROXY: 'loopback' }, mailLimits: ROOMY });
  });
  afterAll(async () => {
    await limited?.close();
    await roomy?.close();
    await sink?.close();
    await slowSink?.close();
  });

  const request = (server: HttpTestServer, email: string, ip = freshIp()) =>
    server.graphql(REQUEST_PASSWORD_RESET, { variables: { email }, headers: { 'x-forwarded-for': ip } });

  async function registered(server: HttpTestServer): Promise<string> {
    const account = newAccount('reset');
    payloadOf(await server.graphql(REGISTER, { variables: { input: account }, headers: { 'x-forwarded-for': freshIp() } }), 'register');
    return account.email;
  }

  it('answers a known and an unknown address with the very same body and status', async () => {
    const known = await request(limited, await registered(limited));
    const unknown = await request(limited, `${uniqueName('nobody')}@example.com`);
    expect(known).toEqual({ status: 200, body: { data: { requestPasswordReset: true } } });
    expect(unknown).toEqual(known);
  });

  it.each(['known', 'unknown'])('allows 3 requests per %s address per hour, then RATE_LIMITED with retryAfter', async (which) => {
    const email = which === 'known' ? await registered(limited) : `${uniqueName('nobody')}@example.com`;
    for (let i = 0; i < 3; i++) expect((await request(limited, email)).body.data).toEqual({ requestPasswordReset: true });
    const refused = await request(limited, email.toUpperCase());
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const retryAfter = refused.body.errors?.[0]?.extensions?.['retryAfter'] as number;
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
  });

  it.each(['known', 'unknown'])('allows 10 requests per IP per hour, then RATE_LIMITED, whatever the addresses (%s)', async (which) => {
    const ip = freshIp();
    const emails = await Promise.all(Array.from({ length: 11 }, async () => (which === 'known' ? registered(limited) : `${uniqueName('nobody')}@example.com`)));
    for (const email of emails.slice(0, 10)) expect((await request(limited, email, ip)).body.data).toEqual({ requestPasswordReset: true });
    const refused = await request(limited, emails[10]!, ip);
    expect(refused.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  });

  it('takes as long for an unknown address as for a known one (medians of repeated requests within 2×)', async () => {
    const email = await registered(roomy);
    const time = async (address: string) => {
      const started = performance.now();
      const answer = await request(roomy, address);
      const elapsed = performance.now() - started;
      expect(answer.body.data).toEqual({ requestPasswordReset: true });
      return elapsed;
    };
    // Warm both paths, then interleave them so that any slowdown of the machine hits both alike.
    await time(email);
    await time(`${uniqueName('nobody')}@example.com`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      known.push(await time(email));
      unknown.push(await time(`${uniqueName('nobody')}@example.com`));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    // Each known request did send its mail, after its answer.
    await slowSink.waitForMail(email, /^Reset your password$/, 0);
  });
});
