import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database } from './client';
import { auditEvents, mailTokens, type MailTokenPurpose, type UserRow, users } from './schema';
import { createSweeper, type Sweeper } from './sweeper';

/** A mail token as stored: its hash and how long it lives. */
export interface NewMailToken {
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What a used token was for. */
export interface SpentMailToken {
  readonly userId: string;
  readonly purpose: MailTokenPurpose;
  readonly email: string;
}

export type MailTokenRepository = ReturnType<typeof createMailTokenRepository>;

export function createMailTokenRepository(db: Database) {
  const byEmail = (email: string) => sql`lower(${users.email}) = lower(${email})`;

  return {
    /**
     * A reset token for the account with this address, voiding its earlier ones; the account, or
     * undefined when none has the address; records PASSWORD_RESET_REQUESTED for it. The same four
     * statements run whether or not one has (each touching no row when none does), so the answer
     * takes the same time either way.
     */
    async issueResetByEmail(email: string, token: NewMailToken, client: { ip: string | undefined; userAgent: string | undefined }): Promise<UserRow | undefined> {
      return db.transaction(async (tx) => {
        const [user] = await tx.select().from(users).where(byEmail(email));
        const holder = tx.select({ id: users.id }).from(users).where(byEmail(email));
        await tx.delete(mailTokens).where(and(inArray(mailTokens.userId, holder), eq(mailTokens.purpose, 'RESET_PASSWORD')));
        await tx.insert(mailTokens).select(
          tx
            .select({
              tokenHash: sql`${token.tokenHash}`.as('token_hash'),
              userId: users.id,
              purpose: sql`'RESET_PASSWORD'::mail_token_purpose`.as('purpose'),
              email: users.email,
              createdAt: sql`${token.createdAt.toISOString()}::timestamptz`.as('created_at'),
              expiresAt: sql`${token.expiresAt.toISOString()}::timestamptz`.as('expires_at'),
            })
            .from(users)
            .where(byEmail(email)),
        );
        // Asked by someone who knows the address, not necessarily the account: no actor.
        await tx.insert(auditEvents).select(
          tx
            .select({
              id: sql`gen_random_uuid()`.as('id'),
              seq: sql`nextval(pg_get_serial_sequence('audit_events', 'seq'))`.as('seq'),
              action: sql`'PASSWORD_RESET_REQUESTED'`.as('action'),
              at: sql`${token.createdAt.toISOString()}::timestamptz`.as('at'),
              userId: users.id,
              actorId: sql`null::uuid`.as('actor_id'),
              ip: sql`${client.ip ?? null}::text`.as('ip'),
              userAgent: sql`${client.userAgent ?? null}::text`.as('user_agent'),
            })
            .from(users)
            .where(byEmail(email)),
        );
        return user;
      });
    },

    /** Stores a token for `userId`; `voidEarlier` first deletes the account's earlier tokens of that purpose. */
    async issue(userId: string, purpose: MailTokenPurpose, email: string, token: NewMailToken, voidEarlier: boolean): Promise<void> {
      await db.transaction(async (tx) => {
        if (voidEarlier) await tx.delete(mailTokens).where(and(eq(mailTokens.userId, userId), eq(mailTokens.purpose, purpose)));
        await tx.insert(mailTokens).values({ ...token, userId, purpose, email });
      });
    },

    /** The live token with this hash, if it is one of `purposes`; nothing is spent. */
    async find(tokenHash: string, purposes: readonly MailTokenPurpose[], now: Date): Promise<SpentMailToken | undefined> {
      const [row] = await db
        .select({ userId: mailTokens.userId, purpose: mailTokens.purpose, email: mailTokens.email })
        .from(mailTokens)
        .where(and(eq(mailTokens.tokenHash, tokenHash), inArray(mailTokens.purpose, [...purposes]), gt(mailTokens.expiresAt, now)));
      return row;
    },

    /** Spends the live token with this hash if it is one of `purposes`: one DELETE, so of two callers with one token one gets it. */
    async spend(tokenHash: string, purposes: readonly MailTokenPurpose[], now: Date): Promise<SpentMailToken | undefined> {
      const [row] = await db
        .delete(mailTokens)
        .where(and(eq(mailTokens.tokenHash, tokenHash), inArray(mailTokens.purpose, [...purposes]), gt(mailTokens.expiresAt, now)))
        .returning({ userId: mailTokens.userId, purpose: mailTokens.purpose, email: mailTokens.email });
      return row;
    },

    /** Voids every pending token of the account for these purposes. */
    async voidAll(userId: string, purposes: readonly MailTokenPurpose[]): Promise<void> {
      await db.delete(mailTokens).where(and(eq(mailTokens.userId, userId), inArray(mailTokens.purpose, [...purposes])));
    },

    /** Deletes up to `limit` tokens that expired before `before`; how many. */
    async sweepExpired(before: Date, limit: number): Promise<number> {
      const stale = db.select({ tokenHash: mailTokens.tokenHash }).from(mailTokens).where(lt(mailTokens.expiresAt, before)).limit(limit);
      return (await db.delete(mailTokens).where(inArray(mailTokens.tokenHash, stale)).returning({ tokenHash: mailTokens.tokenHash })).length;
    },
  };
}

/** Now and then, when a token is issued, deletes the expired ones: they only take room. */
export function createMailTokenSweeper(db: Database, clock: Clock): Sweeper {
  const tokens = createMailTokenRepository(db);
  return createSweeper({ clock, everyMs: 60_000, batch: 1_000, sweep: (batch) => tokens.sweepExpired(new Date(clock.now()), batch) });
}
