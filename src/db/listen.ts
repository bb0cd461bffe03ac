import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { hostOption, postgresConnection } from './postgres-connection';

export interface ListenHandlers {
  onMessage(payload: string): void;
  /** Listening (again): anything sent while it was down was missed. */
  onUp(): void;
  /** The listening connection dropped; it is being re-established. */
  onDown(): void;
}

export interface Listening {
  close(): Promise<void>;
}

const MAX_RETRY_DELAY_MS = 2_000;

/**
 * LISTEN on a connection of its own that comes back by itself: after a drop it retries with
 * backoff until the LISTEN succeeds, and says so through the handlers. postgres.js's own
 * `listen` re-listens once after a drop and gives up if that fails, which a database restart
 * makes likely, hence this loop. `onnotify` is the option postgres.js's `listen` is built on.
 */
export async function listenPostgres(url: string, channel: string, handlers: ListenHandlers): Promise<Listening> {
  let closed = false;
  let up = false;
  let reconnecting: Promise<void> | undefined;
  const statement = `listen "${channel.replace(/"/g, '""')}"`;

  const options: postgres.Options<Record<string, never>> & { onnotify(from: string, payload: string): void } = {
    max: 1,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: 5,
    // The loop below paces the retries (at most MAX_RETRY_DELAY_MS apart); the driver's own
    // backoff, which grows to 20 s, would otherwise be added to each one.
    backoff: () => 0,
    connection: { application_name: 'gatehouse-listener' },
    onnotice: () => {},
    onnotify: (from: string, payload: string) => {
      if (from === channel) handlers.onMessage(payload);
    },
    onclose: () => {
      if (up) {
        up = false;
        handlers.onDown();
      }
      if (!closed) reconnecting ??= reconnect().finally(() => (reconnecting = undefined));
    },
  };
  const target = postgresConnection(url);
  const client = postgres(target.url, { ...hostOption(target), ...options });

  async function reconnect(): Promise<void> {
    for (let delay = 50; !closed; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (closed) return;
      try {
        await client.unsafe(statement);
        up = true;
        handlers.onUp();
        return;
      } catch {
        // The database is still away: try again after the next delay.
      }
    }
  }

  await client.unsafe(statement);
  up = true;
  handlers.onUp();
  return {
    async close() {
      closed = true;
      await client.end({ timeout: 1 });
    },
  };
}

/** PGlite is in this process: a LISTEN never drops. */
export async function listenPglite(client: PGlite, channel: string, handlers: ListenHandlers): Promise<Listening> {
  const unlisten = await client.listen(channel, (payload) => handlers.onMessage(payload));
  handlers.onUp();
  return { close: () => unlisten() };
}
