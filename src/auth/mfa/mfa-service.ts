import type { Clock } from '../../clock';
import { sessionsEnded, userCutoff } from '../../db/revocation-channel';
import type { UserRow } from '../../db/schema';
import type { Repositories, Store } from '../../db/store';
import { AuthError, ForbiddenError, InputError } from '../../errors';
import type { ClientInfo } from '../auth-service';
import { type Actor, SERVICE } from '../audit/actor';
import { type AuditClient, auditEvent, NO_CLIENT } from '../audit/audit-event';
import { isId } from '../ids';
import type { AttemptLimiter } from '../limits/attempt-limiter';
import type { Principal } from '../principal';
import type { RevocationList } from '../sessions/revocation';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes';
import type { SecretBox } from './secret-box';
import type { Totp } from './totp';

export interface TotpEnrollment {
  /** otpauth://totp/… : what an authenticator app reads from a QR code. */
  readonly uri: string;
  /** The same secret in base32, to type in by hand. */
  readonly secret: string;
}

/** Setting up, replacing and removing an account's second factor. */
export interface MfaService {
  /** A new secret, stored as pending: the account is unchanged until `confirm` gets a current code for it. */
  enroll(caller: Principal): Promise<TotpEnrollment>;

  /**
   * Turns the pending secret into the account's factor when `code` is current for it: every other
   * session ends, and ten recovery codes are returned, once. A wrong code counts as a failed login.
   */
  confirm(caller: Principal, code: string, client: ClientInfo): Promise<string[]>;

  /** Removes the caller's factor and recovery codes. */
  disable(caller: Principal, client?: AuditClient): Promise<true>;

  /** Ten new recovery codes; every earlier one stops working. */
  regenerateRecoveryCodes(caller: Principal): Promise<string[]>;

  /** ADMIN, for a user who lost their device: factor and codes removed, and every session of the user ended. */
  reset(userId: string, actor?: Actor): Promise<UserRow>;
}

export interface MfaServiceDeps {
  readonly store: Store;
  readonly totp: Totp;
  readonly secrets: SecretBox;
  readonly limits: AttemptLimiter;
  readonly revocations: RevocationList;
  readonly clock: Clock;
  /** Tells the account's address that its second factor was turned on or off (a mail, sent after the answer). */
  readonly notify?: (user: UserRow, enabled: boolean) => void;
}

const wrongCode = () => new InputError('code', 'The code is wrong or was already used.');

export function createMfaService({ store, totp, secrets, limits, revocations, clock, notify = () => {} }: MfaServiceDeps): MfaService {
  const now = () => new Date(clock.now());

  async function userOf(caller: Principal): Promise<UserRow> {
    const user = await store.users.findById(caller.userId);
    if (!user) throw new AuthError('TOKEN_REVOKED');
    return user;
  }

  async function newRecoveryCodes(userId: string, at: Date, repositories: Repositories = store): Promise<string[]> {
    const codes = generateRecoveryCodes();
    await repositories.secondFactors.replaceRecoveryCodes(userId, codes.map(hashRecoveryCode), at);
    return codes;
  }

  return {
    async enroll(caller) {
      const user = await userOf(caller);
      const secret = totp.newSecret();
      await store.secondFactors.setPending(user.id, secrets.seal(user.id, secret));
      return { uri: totp.uri(secret, user.username), secret };
    },

    async confirm(caller, code, client) {
      const user = await userOf(caller);
      const sealed = user.totpPendingSecret;
      if (sealed === null) throw new InputError('code', 'No enrollment is pending: call enrollTotp first.');
      const attempt = await limits.beginCodeCheck({ id: user.id, names: [user.username, user.email] }, client.ip);
      const secret = secrets.open(user.id, sealed);
      const step = secret === undefined ? undefined : totp.stepOf(secret, code);
      if (step === undefined) {
        await Promise.all([attempt.failed(), store.audit.record([auditEvent('MFA_FAILED', user.id, caller.userId, client, now())])]);
        throw wrongCode();
      }
      const at = now();
      const done = await store.transaction(async (tx) => {
        // The account's row before its sessions, as opening a session locks them. Undefined when a
        // newer enrollment replaced this one meanwhile: its code is the one that counts.
        if (!(await tx.secondFactors.confirm(user.id, sealed, step))) return undefined;
        const codes = await newRecoveryCodes(user.id, at, tx);
        const ended = await tx.sessions.revokeAllOf(user.id, at, caller.sessionId);
        // This session has just given a code: its next refresh says so (amr "otp").
        await tx.secondFactors.setSessionState(caller.sessionId, 'GIVEN', undefined);
        await tx.audit.record([auditEvent('MFA_ENABLED', user.id, caller.userId, client, at)]);
        return { codes, ended };
      });
      if (!done) {
        await attempt.failed();
        throw wrongCode();
      }
      revocations.applyAll(sessionsEnded(done.ended));
      await attempt.succeeded();
      notify(user, true);
      return done.codes;
    },

    async disable(caller, client = NO_CLIENT) {
      const user = await userOf(caller);
      const removed = await store.transaction(async (tx) => {
        const done = await tx.secondFactors.remove(user.id);
        if (done) await tx.audit.record([auditEvent('MFA_DISABLED', user.id, caller.userId, client, now())]);
        return done;
      });
      if (removed) notify(user, false);
      return true;
    },

    async regenerateRecoveryCodes(caller) {
      const user = await userOf(caller);
      if (user.totpSecret === null) throw new ForbiddenError('This account has no second factor: set one up (enrollTotp, confirmTotp) first.');
      return newRecoveryCodes(user.id, now());
    },

    async reset(userId, actor = SERVICE) {
      if (!isId(userId)) throw new InputError('userId', 'No user has that id.');
      const at = now();
      const user = await store.transaction(async (tx) => {
        if (!(await tx.secondFactors.remove(userId))) return undefined;
        // As logoutAll: every access token of the user stops at once, and every session ends.
        const cut = await tx.users.revokeAllTokens(userId, at);
        await tx.sessions.revokeAllOf(userId, at);
        await tx.audit.record([auditEvent('MFA_DISABLED', userId, actor.id, actor.client, at)]);
        return cut;
      });
      if (!user) throw new InputError('userId', 'No user has that id.');
      revocations.apply(userCutoff(user));
      notify(user, false);
      return user;
    },
  };
}
