import { parseArgs } from 'node:util';
import { adminRefusalMessage } from '../auth/admin-refusal';
import { BcryptPool } from '../auth/passwords/bcrypt-pool';
import { createPasswordHasher } from '../auth/passwords/password';
import { createRevocationList } from '../auth/sessions/revocation';
import { isRole } from '../auth/policy';
import { createUserService } from '../auth/user-service';
import { registerSchema, validate } from '../auth/validation';
import { systemClock } from '../clock';
import { ConfigError, configFromProcess } from '../config/config';
import { openDatabase } from '../db/client';
import { createStore } from '../db/store';
import { databaseTarget } from '../config/database-target';
import { DataDirInUseError } from '../db/data-dir-lock';
import type { UserRow } from '../db/schema';
import { ConflictError, InputError } from '../errors';
import { PasswordEntryCancelled, PasswordsDiffer, readPassword } from './read-password';

const USAGE = `usage: npm run user:create -- --username U --email E [--role USER|ADMIN]
The password is read from standard input (first line), so it stays out of shell history:
  printf '%s\\n' "$PASSWORD" | npm run user:create -- --username alice --email alice@example.com --role ADMIN
or type it at the prompt (twice, not shown). With --role ADMIN, an account that already has both
that username and that email is made ADMIN (its password unchanged); a username or email that
belongs to another account is refused. Uses DATABASE_URL, or the embedded database in DATA_DIR
(stop the server first).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { username: { type: 'string' }, email: { type: 'string' }, role: { type: 'string', default: 'USER' }, help: { type: 'boolean' } },
  });
  const { username, email, role } = values;
  if (values.help || !username || !email || !isRole(role)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  let password: string;
  try {
    password = await readPassword(process.stdin, process.stderr);
  } catch (error) {
    // Cancelled at the prompt: the shell's code for an interrupt.
    if (error instanceof PasswordEntryCancelled) return 130;
    throw error;
  }
  const account = { username, email, password, role };
  try {
    validate(registerSchema, account);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`user:create: ${error.message} (${error.field})\n`);
      return 1;
    }
    throw error;
  }
  const config = configFromProcess();
  const database = await openDatabase(databaseTarget(config));
  const bcrypt = new BcryptPool(1);
  try {
    const users = createUserService({
      store: createStore(database.db),
      passwords: await createPasswordHasher(config.bcryptCost, bcrypt),
      // Creating a user revokes nothing; the list is only there to satisfy the service.
      revocations: createRevocationList({ clock: systemClock, retentionMs: 0 }),
      clock: systemClock,
    });
    if (role === 'USER') {
      const user = await users.create(account);
      process.stdout.write(`created ${describe(user)}\n`);
      return 0;
    }
    const result = await users.ensureAdmin(account);
    if (result.action === 'refused') {
      process.stderr.write(`user:create: ${adminRefusalMessage(result, account, { username: '--username', email: '--email' })}\n`);
      return 1;
    }
    const { action, user } = result;
    const done = {
      created: `created ${describe(user)}`,
      promoted: `made ${user.username} ADMIN (id ${user.id}): the account already had this username and email; its password is unchanged`,
      unchanged: `${user.username} is already ADMIN (id ${user.id}): nothing changed, its password is unchanged`,
    };
    process.stdout.write(`${done[action]}\n`);
    return 0;
  } catch (error) {
    if (error instanceof InputError || error instanceof ConflictError) {
      process.stderr.write(`user:create: ${error.message}${error instanceof InputError ? ` (${error.field})` : ''}\n`);
      return 1;
    }
    throw error;
  } finally {
    await bcrypt.close();
    await database.close();
  }
}

function describe(user: UserRow): string {
  return `${user.role} ${user.username} (id ${user.id})`;
}

/** Failures the user fixes by changing a setting or an argument: one line, no stack. */
const EXPECTED_FAILURES = [ConfigError, DataDirInUseError, PasswordsDiffer];

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const expected = EXPECTED_FAILURES.some((type) => error instanceof type);
    process.stderr.write(`user:create: ${expected ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
