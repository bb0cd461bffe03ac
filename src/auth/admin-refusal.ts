import type { EnsureAdminResult } from './user-service';

type Refusal = Extract<EnsureAdminResult, { action: 'refused' }>;

/** How the caller spells the two settings: `ADMIN_USERNAME` at start-up, `--username` on the command line. */
export interface AdminSettingNames {
  readonly username: string;
  readonly email: string;
}

/**
 * One line saying which of the ADMIN's username and email belongs to another account, and what to
 * change. It names that account's id, never its other details: the operator can look it up.
 */
export function adminRefusalMessage(refusal: Refusal, account: { username: string; email: string }, names: AdminSettingNames): string {
  const ids = refusal.holders.join(' and ');
  const advice = 'whoever registered it is not made ADMIN';
  switch (refusal.taken) {
    case 'username':
      return `${names.username} ${account.username} belongs to another account (id ${ids}) with another email: ${advice}. Choose another ${names.username}, or give ${names.email} as that account's email if it is yours`;
    case 'email':
      return `${names.email} ${account.email} belongs to another account (id ${ids}) with another username: ${advice}. Choose another ${names.email}, or give ${names.username} as that account's username if it is yours`;
    case 'both':
      return `${names.username} ${account.username} and ${names.email} ${account.email} belong to two other accounts (ids ${ids}): neither is made ADMIN. Choose a username and an email nobody holds`;
  }
}
