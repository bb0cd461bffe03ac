import type { Role } from '../db/schema';

export type { Role };

/** Who a verified access token speaks for. */
export interface Principal {
  readonly userId: string;
  readonly role: Role;
  readonly sessionId: string;
  /** When the session last proved its password, in seconds; undefined for tokens older than the claim. */
  readonly authTime?: number;
}
