import type { Clock } from '../../clock';
import type { AuditAction, SecondFactor, UserRow } from '../../db/schema';
import { auditEvent } from '../audit/audit-event';
import type { Store } from '../../db/store';
import { AuthError, InputError } from '../../errors';
import type { ClientInfo } from '../auth-service';
import type { AttemptLimiter } from '../limits/attempt-limiter';
import type { PasswordHasher } from '../passwords/password';
import type { Principal } from '../principal';
import type { IssuedSession, TokenIssuer } from '../tokens/token-issuer';
import { presentedPasswordSchema, validate } from '../validation';
import { hashRecoveryCode } from './recovery-codes';
import type { SecretBox } from './secret-box';
import type { Totp } from './totp';

/** Completing a sign-in with the second factor, and proving it all again for step-up. */
export interface SecondFactorService {
  /** A current TOTP code, never accepted twice: the session's full pair, with a new auth_time. Wrong codes count as failed logins. */
  verifyTotp(caller: Principal, code: string, client: ClientInfo): Promise<IssuedSession>;

  /** As verifyTotp with one of the account's recovery codes, which then stops working. */
  useRecoveryCode(caller: Principal, code: string, client: ClientInfo): Promise<IssuedSession>;

  /** The password again (and a TOTP code when the account has a factor): a new pair with a new auth_time. */
  reauthenticate(caller: Principal, password: string, code: string | undefined, client: ClientInfo): Promise<IssuedSession>;
}

export interface SecondFactorServiceDeps {
  readonly store: Store;
  readonly totp: Totp;
  readonly secrets: SecretBox;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenIssuer;
  readonly limits: AttemptLimiter;
  readonly clock: Clock;
}

const wrongCode = () => new InputError('code', 'The code is wrong or was already used.');
// Six digits, or a recovery code with its dashes: anything much longer is neither.
const MAX_CODE_LENGTH = 64;

export function createSecondFactorService({ store, totp, secrets, passwords, tokens, limits, clock }: SecondFactorServiceDeps): SecondFactorService {
  const now = () => new Date(clock.now());
  const counted = (user: UserRow) => ({ id: user.id, names: [user.username, user.email] });

  async function userOf(caller: Principal): Promise<UserRow> {
    const user = await store.users.findById(caller.userId);
    if (!user) throw new AuthError('TOKEN_REVOKED');
    return user;
  }

  /** Accepts a TOTP code of the account's factor once: a step accepted before is a replay. */
  async function acceptTotp(user: UserRow, code: string): Promise<boolean> {
    const secret = user.totpSecret === null ? undefined : secrets.open(user.id, user.totpSecret);
    const step = secret === undefined ? undefined : totp.stepOf(secret, code);
    return step !== undefined && store.secondFactors.acceptStep(user.id, step);
  }

  /** The session signed in afresh: its state, auth_time now, and a new refresh token (the one held before stops working). */
  async function signIn(user: UserRow, sessionId: string, secondFactor: SecondFactor, action: AuditAction | undefined, client: ClientInfo): Promise<IssuedSession> {
    const refresh = tokens.nextRefreshToken();
    const at = now();
    const session = await store.transaction(async (tx) => {
      if (!(await tx.secondFactors.setSessionState(sessionId, secondFactor, at))) return undefined;
      const reissued = await tx.sessions.reissue(sessionId, refresh.record, at);
      if (reissued && action) await tx.audit.record([auditEvent(action, user.id, user.id, client, at)]);
      return reissued;
    });
    if (!session) throw new AuthError('TOKEN_REVOKED');
    return tokens.issue(user, session, refresh);
  }

  /** A wrong code, counted as a failed login, and recorded alongside the counting. */
  const codeFailed = (attempt: { failed(): Promise<void> }, user: UserRow, client: ClientInfo) =>
    Promise.all([attempt.failed(), store.audit.record([auditEvent('MFA_FAILED', user.id, user.id, client, now())])]);

  async function withCode(caller: Principal, code: string, client: ClientInfo, accept: (user: UserRow) => Promise<boolean>, action?: AuditAction): Promise<IssuedSession> {
    const user = await userOf(caller);
    if (user.totpSecret === null) throw new InputError('code', 'This account has no second factor.');
    const attempt = await limits.beginCodeCheck(counted(user), client.ip);
    if (code.length > MAX_CODE_LENGTH || !(await accept(user))) {
      await codeFailed(attempt, user, client);
      throw wrongCode();
    }
    // A completed sign-in: the count of failed logins starts again.
    await attempt.succeeded();
    return signIn(user, caller.sessionId, 'GIVEN', action, client);
  }

  return {
    verifyTotp: (caller, code, client) => withCode(caller, code, client, (user) => acceptTotp(user, code)),

    useRecoveryCode: (caller, code, client) =>
      withCode(caller, code, client, (user) => store.secondFactors.spendRecoveryCode(user.id, hashRecoveryCode(code)), 'RECOVERY_CODE_USED'),

    async reauthenticate(caller, password, code, client) {
      const presented = validate(presentedPasswordSchema, password, 'password');
      const user = await userOf(caller);
      const hasFactor = user.totpSecret !== null;
      if (hasFactor && !code) throw new InputError('code', 'This account has a second factor: give a current code too.');
      const attempt = await limits.beginPasswordCheck(counted(user), client.ip);
      if (!(await passwords.verify(presented, user.passwordHash))) {
        await Promise.all([attempt.failed(), store.audit.record([auditEvent('LOGIN_FAILED', user.id, user.id, client, now())])]);
        throw new InputError('password', 'The password is wrong.');
      }
      if (hasFactor && !(await acceptTotp(user, code!))) {
        await codeFailed(attempt, user, client);
        throw wrongCode();
      }
      await attempt.succeeded();
      return signIn(user, caller.sessionId, hasFactor ? 'GIVEN' : 'NONE', 'REAUTHENTICATED', client);
    },
  };
}
