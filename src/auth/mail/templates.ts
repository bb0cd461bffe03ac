/** One mail, rendered: what the queue holds (in memory only) until it is sent. */
export interface OutgoingMail {
  /** What the mail is, for the logs: never its link or body. */
  readonly kind: MailKind;
  /** Whose account it is about, for the logs. */
  readonly userId: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export type MailKind =
  | 'password-reset'
  | 'email-verification'
  | 'email-change-confirmation'
  | 'email-change-requested'
  | 'email-changed'
  | 'password-changed'
  | 'password-was-reset'
  | 'second-factor-on'
  | 'second-factor-off';

export interface Recipient {
  readonly id: string;
  readonly username: string;
  readonly email: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const IGNORE = 'If you did not ask for this, ignore this mail: nothing changes.';
const NOT_YOU = 'If this was not you, reset your password at once and check the address of your account.';

/** A mail from paragraphs: the text part holds them as they are, the HTML part the same with the link as a link. */
function compose(kind: MailKind, user: Recipient, to: string, subject: string, paragraphs: readonly (string | { link: string; label: string })[]): OutgoingMail {
  const text = [`Hello ${user.username},`, ...paragraphs.map((p) => (typeof p === 'string' ? p : p.link))].join('\n\n') + '\n';
  const html = [`<p>Hello ${escapeHtml(user.username)},</p>`, ...paragraphs.map((p) => (typeof p === 'string' ? `<p>${escapeHtml(p)}</p>` : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.label)}</a></p>`))].join('\n');
  return { kind, userId: user.id, to, subject, text, html: `<!doctype html>\n<html><body>\n${html}\n</body></html>\n` };
}

/** The mails the service sends. Links are built by the caller from APP_URL; each mail says how long its link works. */
export const templates = {
  passwordReset: (user: Recipient, link: string) =>
    compose('password-reset', user, user.email, 'Reset your password', [
      'Someone asked to reset the password of your account. To choose a new one, open this link within an hour:',
      { link, label: 'Choose a new password' },
      `It works once. ${IGNORE}`,
    ]),

  emailVerification: (user: Recipient, link: string) =>
    compose('email-verification', user, user.email, 'Confirm your email address', [
      'To confirm that this address is yours, open this link within 24 hours:',
      { link, label: 'Confirm this address' },
      `It works once. ${IGNORE}`,
    ]),

  emailChangeConfirmation: (user: Recipient, newEmail: string, link: string) =>
    compose('email-change-confirmation', user, newEmail, 'Confirm your new email address', [
      'You asked to make this the address of your account. To confirm, open this link within 24 hours:',
      { link, label: 'Confirm this address' },
      `It works once. ${IGNORE}`,
    ]),

  emailChangeRequested: (user: Recipient, newEmail: string) =>
    compose('email-change-requested', user, user.email, 'A change of your email address was requested', [
      `Someone signed in to your account asked to change its address to ${newEmail}. Nothing changes until a link sent there is followed.`,
      NOT_YOU,
    ]),

  emailChanged: (user: Recipient, oldEmail: string, newEmail: string) =>
    compose('email-changed', user, oldEmail, 'Your email address was changed', [`The address of your account is now ${newEmail}; mail no longer comes here.`, NOT_YOU]),

  passwordChanged: (user: Recipient) =>
    compose('password-changed', user, user.email, 'Your password was changed', ['The password of your account was just changed, and its other sessions ended.', NOT_YOU]),

  secondFactorOn: (user: Recipient) =>
    compose('second-factor-on', user, user.email, 'A second factor was turned on', [
      'Signing in to your account now also needs a code from an authenticator app (or a recovery code), and its other sessions ended.',
      NOT_YOU,
    ]),

  secondFactorOff: (user: Recipient) =>
    compose('second-factor-off', user, user.email, 'The second factor was turned off', ['Signing in to your account no longer needs a code from an authenticator app.', NOT_YOU]),

  passwordWasReset: (user: Recipient) =>
    compose('password-was-reset', user, user.email, 'Your password was reset', [
      'The password of your account was just reset with a link sent to this address, and every session of the account ended.',
      NOT_YOU,
    ]),
};
