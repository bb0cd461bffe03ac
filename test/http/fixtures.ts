import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { databaseTarget } from '../../src/config/database-target';
import { type DatabaseHandle, openDatabase } from '../../src/db/client';
import type { DatabaseKind } from '../support/databases';
import { type HttpResult, LOGIN, USERS_TOTAL } from '../support/documents';
import { payloadOf, postGraphQL } from '../support/http-server';
import { createScratchDatabase } from '../support/postgres';
import { type RunningService, type ServiceProcess, startService } from '../support/process';
import { waitFor } from '../support/wait-for';

/**
 * What the process tests share: temp dirs and processes they must not leave behind, and a
 * database for a child process that the test can also open itself.
 */

const EXIT_DEADLINE_MS = 30_000;
const tempDirs: string[] = [];
const spawned: ServiceProcess[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-process-'));
  tempDirs.push(dir);
  return dir;
}

/** Registers a process so that cleanUp() kills it, even when its test failed half-way. */
export function track<T extends ServiceProcess>(service: T): T {
  spawned.push(service);
  return service;
}

export async function start(env: Record<string, string>): Promise<RunningService> {
  return track(await startService(env));
}

/** Kills what is still running; the processes hold the database, so call before dropping it. */
export async function killAll(): Promise<void> {
  await Promise.all(spawned.map((service) => service.dispose()));
}

export async function cleanUp(): Promise<void> {
  await killAll();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function exitOf(service: ServiceProcess) {
  await waitFor(() => !service.running(), 'the process to exit', EXIT_DEADLINE_MS);
  return service.exited;
}

export interface Target {
  /** DATA_DIR, and DATABASE_URL for PostgreSQL: what a child process gets. */
  readonly env: Record<string, string>;
  /** The database the child uses, opened as main would open it (one at a time on PGlite). */
  open(): Promise<DatabaseHandle>;
  dispose(): Promise<void>;
}

/** A fresh, empty database of the kind: a temp DATA_DIR, or a scratch PostgreSQL database. */
export async function freshTarget(kind: DatabaseKind): Promise<Target> {
  const scratch = kind === 'postgres' ? await createScratchDatabase() : undefined;
  const env: Record<string, string> = { DATA_DIR: tempDir(), ...(scratch ? { DATABASE_URL: scratch.url } : {}) };
  return {
    env,
    open: () => openDatabase(databaseTarget(loadConfig(env))),
    dispose: async () => {
      await killAll();
      await scratch?.drop();
    },
  };
}

/** Logs in at `graphqlUrl` and asks the ADMIN-only `users` with the token it got. */
export async function loginAndListUsers(graphqlUrl: string, username: string, password: string): Promise<HttpResult> {
  const login = await postGraphQL(graphqlUrl, LOGIN, { variables: { input: { username, password } } });
  return postGraphQL(graphqlUrl, USERS_TOTAL, { token: payloadOf(login, 'login').accessToken });
}
