import { eq } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client';
import { refreshTokens, sessions } from '../../src/db/schema';
import { createSessionRepository } from '../../src/db/sessions';
import { databaseKinds, insertUser, openTestDatabase, uniqueName } from '../support/databases';

const DAY = 86_400_000;

describe.each(databaseKinds())('sessions in the database on %s', (kind) => {
  let database: DatabaseHandle;
  const queries: string[] = [];
  beforeAll(async () => {
    database = await openTestDatabase(kind, (sql) => queries.push(sql));
  });
  afterAll(() => database.close());

  const newUserId = () => insertUser(database.db, 'sess');

  it('opens a session and its first refresh token in one statement, and returns the row as stored', async () => {
    const userId = await newUserId();
    const now = new Date();
    const token = { tokenHash: uniqueName('hash'), expiresAt: new Date(now.getTime() + 30 * DAY) };
    queries.length = 0;
    const { session } = await createSessionRepository(database.db).create({ userId, now, userAgent: 'jest', ip: '192.0.2.1', maxLive: 50 }, token);

    expect(queries).toHaveLength(1);
    const [stored] = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
    expect(stored).toEqual(session);
    const [refresh] = await database.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, token.tokenHash));
    expect(refresh).toMatchObject({ sessionId: session.id, expiresAt: token.expiresAt, spentAt: null });
  });

  it('opens nothing when the refresh token cannot be stored', async () => {
    const userId = await newUserId();
    const repository = createSessionRepository(database.db);
    const now = new Date();
    const token = { tokenHash: uniqueName('dup'), expiresAt: new Date(now.getTime() + DAY) };
    await repository.create({ userId, now, userAgent: undefined, ip: undefined, maxLive: 50 }, token);

    // The same token hash again violates its primary key: the session of that statement must not stay.
    await expect(repository.create({ userId, now, userAgent: 'second', ip: undefined, maxLive: 50 }, token)).rejects.toThrow();
    const rows = await database.db.select().from(sessions).where(eq(sessions.userId, userId));
    expect(rows.map((row) => row.userAgent)).toEqual([null]);
  });
});
