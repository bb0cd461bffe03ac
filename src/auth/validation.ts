import { z } from 'zod';
import { InputError } from '../errors';

const codePoints = (s: string) => [...s].length;

// NUL and the other control characters (C0, DEL, C1) belong in no name, address or password:
// they hide in logs and terminals, and some tools cut a string at NUL.
const CONTROL_CHARACTER = /\p{Cc}/u;
const noControlCharacters = (s: string) => !CONTROL_CHARACTER.test(s);
const NO_CONTROL_CHARACTERS = 'Control characters (such as NUL) are not allowed.';

export const usernameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_]{3,32}$/, 'A username is 3–32 characters of A–Z, a–z, 0–9 and _.');

export const emailSchema = z
  .string()
  .max(254, 'An email address is at most 254 characters.')
  .refine(noControlCharacters, NO_CONTROL_CHARACTERS)
  .pipe(z.email('Not a valid email address.'));

export const passwordSchema = z
  .string()
  .refine((s) => s.length <= 1024 && codePoints(s) >= 8 && codePoints(s) <= 256, 'A password is 8–256 characters.')
  // A lone surrogate would reach the hash as U+FFFD, making two different passwords one.
  .refine((s) => s.isWellFormed(), 'A password must be valid Unicode text.')
  .refine(noControlCharacters, NO_CONTROL_CHARACTERS);

export const registerSchema = z.object({ username: usernameSchema, email: emailSchema, password: passwordSchema });

/**
 * A password as presented at login or as `currentPassword`: not held to the policy (the stored
 * one met it when it was set), only bounded and clean, so that nothing oversized or malformed
 * reaches a lookup, a counter or a hash.
 */
export const presentedPasswordSchema = z
  .string()
  .max(1024, 'A password is 8–256 characters.')
  .refine((s) => s.isWellFormed(), 'A password must be valid Unicode text.')
  .refine(noControlCharacters, NO_CONTROL_CHARACTERS);

export const loginSchema = z.object({
  username: z.string().max(254, 'Too long for a username or email.').refine(noControlCharacters, NO_CONTROL_CHARACTERS),
  password: presentedPasswordSchema,
});

/**
 * Checks `input` against `schema`; the first problem becomes an InputError naming its field
 * (`field` when the schema checks a single value).
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown, field = ''): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InputError(issue.path.join('.') || field, issue.message);
}
