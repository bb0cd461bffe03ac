import postgres from 'postgres';
import type { UserRow } from '../../src/db/schema';
import { createStore, type Store } from '../../src/db/store';
import { createUserRepository } from '../../src/db/users';
import { describeOnPostgres } from '../support/databases';
import { CHANGE_PASSWORD, LOGOUT_ALL, type Registered, SET_USER_DISABLED, SET_USER_ROLE } from '../support/documents';
import { enableTotp } from '../support/mfa';
import { pairOf } from '../support/operations';
import { registerAdmin, registerUser, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';
import { startTwoInstances, type TwoInstances } from '../support/two-instances';

const ME_ALL = 'query { me { id username email emailVerified mfaEnabled role } }';

/**
 * The user rows each instance holds in memory, on two instances of one PostgreSQL database: a
 * change made through A is what B serves within a second (the fake clock never moves, so no row
 * ages out: only the change events can make B see it).
 */
describeOnPostgres('cached user rows across two instances', () => {
  let instances: TwoInstances;
  let a: TestApp;
  let b: TestApp;
  /** A's own repositories, for the writes whose services need a mailed token (the same statements, the same announcement). */
  let storeOnA: Store;
  const queriesOnB: string[] = [];

  beforeAll(async () => {
    instances = await startTwoInstances({ onQueryOnB: (sql) => queriesOnB.push(sql) });
    ({ a, b } = instances);
    storeOnA = createStore(a.app.database.db, (ids) => a.app.userCache.changing(ids));
  });
  afterAll(() => instances?.close());

  const rowInDatabase = async (id: string): Promise<UserRow> => (await createUserRepository(a.app.database.db).findById(id))!;

  /** B reads the user (through the service `me` and `user(id)` use), so that it holds the row. */
  async function warmOnB(user: Registered, token = user.accessToken): Promise<UserRow> {
    expect((await b.execute(ME_ALL, { token })).data?.['me']).toMatchObject({ id: user.id });
    const held = b.app.userCache.get(user.id);
    expect(held).toBeDefined();
    return held!;
  }

  /** Within a second, what B serves for the user is the row as the database holds it. */
  async function servedOnBWithinASecond(id: string): Promise<void> {
    const fresh = await rowInDatabase(id);
    await waitFor(async () => JSON.stringify(await b.app.services.users.findById(id)) === JSON.stringify(fresh), 'B serves the new row', 1_000);
  }

  it('serves a burst of 100 `me` with a warm cache without one database query', async () => {
    const user = await registerUser(a);
    await warmOnB(user);
    queriesOnB.length = 0;
    for (let i = 0; i < 100; i += 1) {
      expect((await b.execute(ME_ALL, { token: user.accessToken })).data?.['me']).toMatchObject({ id: user.id, username: user.username });
    }
    expect(queriesOnB).toEqual([]);
  });

  it.each([
    ['role', SET_USER_ROLE, { role: 'ADMIN' }, { role: 'ADMIN' }],
    ['disabled', SET_USER_DISABLED, { disabled: true }, { disabled: true }],
  ])('a %s set on A is what B serves', async (_, mutation, variables, change) => {
    const [user, admin] = [await registerUser(a), await registerAdmin(a)];
    const before = await warmOnB(user);
    expect((await a.execute(mutation, { token: admin.accessToken, variables: { userId: user.id, ...variables } })).errors).toBeUndefined();
    await servedOnBWithinASecond(user.id);
    expect(await b.app.services.users.findById(user.id)).toMatchObject({ ...change, tokenVersion: before.tokenVersion + 1 });
  });

  it('enabling again on A is what B serves', async () => {
    const [user, admin] = [await registerUser(a), await registerAdmin(a)];
    await warmOnB(user);
    await a.app.services.users.setDisabled(user.id, true);
    // Held again once the change's event has dropped the old row: the row B holds is the disabled one.
    const heldDisabled = async () => (await b.app.services.users.findById(user.id))?.disabled === true && b.app.userCache.get(user.id)?.disabled === true;
    await waitFor(heldDisabled, 'B holds the account disabled', 1_000);
    expect((await a.execute(SET_USER_DISABLED, { token: admin.accessToken, variables: { userId: user.id, disabled: false } })).errors).toBeUndefined();
    await servedOnBWithinASecond(user.id);
    expect((await b.app.services.users.findById(user.id))?.disabled).toBe(false);
  });

  it('an address verified, then changed, on A is what `me` on B shows', async () => {
    const user = await registerUser(a);
    await warmOnB(user);
    expect(await storeOnA.users.markEmailVerified(user.id, user.email)).toMatchObject({ emailVerified: true });
    await waitFor(async () => (await b.execute(ME_ALL, { token: user.accessToken })).data?.['me']?.['emailVerified' as never] === true, 'B shows it verified', 1_000);
    const newEmail = `new-${user.email}`;
    expect(await storeOnA.users.changeEmail(user.id, newEmail)).toMatchObject({ ok: true });
    await waitFor(async () => (await b.execute(ME_ALL, { token: user.accessToken })).data?.['me']?.['email' as never] === newEmail, 'B shows the new address', 1_000);
    await servedOnBWithinASecond(user.id);
  });

  it('a second factor turned on, then off, on A is what `me` on B shows', async () => {
    const user = await registerUser(a);
    await warmOnB(user);
    await enableTotp(a, user);
    const mfaOf = async () => (await b.execute(ME_ALL, { token: user.accessToken })).data?.['me']?.['mfaEnabled' as never];
    await waitFor(async () => (await mfaOf()) === true, 'B shows the factor on', 1_000);
    await servedOnBWithinASecond(user.id);
    expect((await b.app.services.users.findById(user.id))?.totpSecret).not.toBeNull();
    // Off as an ADMIN's resetMfa turns it off (the same removal as disableMfa, and a token cut-off).
    expect(await a.app.services.mfa.reset(user.id)).toMatchObject({ id: user.id });
    await servedOnBWithinASecond(user.id);
    expect((await b.app.services.users.findById(user.id))?.totpSecret).toBeNull();
  });

  it('a password changed on A, and one reset, is what B holds', async () => {
    const user = await registerUser(a);
    const before = await warmOnB(user);
    const changed = await a.execute(CHANGE_PASSWORD, { token: user.accessToken, variables: { input: { currentPassword: user.password, newPassword: 'a brand new password' } } });
    const fresh = pairOf(changed, 'changePassword');
    await servedOnBWithinASecond(user.id);
    const afterChange = await b.app.services.users.findById(user.id);
    expect(afterChange?.passwordHash).not.toBe(before.passwordHash);
    await warmOnB(user, fresh.accessToken);
    expect(await storeOnA.users.resetPassword(user.id, 'not a real hash', new Date(a.clock.now()))).toMatchObject({ id: user.id });
    await servedOnBWithinASecond(user.id);
    expect((await b.app.services.users.findById(user.id))?.passwordHash).toBe('not a real hash');
  });

  it('logout everywhere on A moves the token version B holds', async () => {
    const user = await registerUser(a);
    const before = await warmOnB(user);
    expect(await a.execute(LOGOUT_ALL, { token: user.accessToken })).toEqual({ data: { logoutAll: true } });
    await servedOnBWithinASecond(user.id);
    expect((await b.app.services.users.findById(user.id))?.tokenVersion).toBe(before.tokenVersion + 1);
  });

  it('after its listener is killed, B never serves a row changed in the gap once it has reloaded', async () => {
    const user = await registerUser(a);
    await warmOnB(user);
    // Changed by hand, without the event: B holds the old row, and only its reload can set it right.
    const sql = postgres(instances.url, { max: 1, onnotice: () => {} });
    try {
      await sql`update users set email_verified = true where id = ${user.id}`;
      expect(b.app.userCache.get(user.id)?.emailVerified).toBe(false);
      const killed = await sql`
        select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'gatehouse-listener' and datname = ${new URL(instances.url).pathname.slice(1)}`;
      expect(killed.length).toBeGreaterThanOrEqual(2);
    } finally {
      await sql.end();
    }
    // No event names this user and the clock stands still: only the drop of the channel empties its row.
    await waitFor(() => b.app.userCache.get(user.id) === undefined, 'B forgets its rows');
    await waitFor(async () => b.app.revocationSync.trusted(), 'instance B trusts its list again');
    expect((await b.execute(ME_ALL, { token: user.accessToken })).data?.['me']).toMatchObject({ emailVerified: true });
    expect(b.app.userCache.get(user.id)?.emailVerified).toBe(true);
  });
});
