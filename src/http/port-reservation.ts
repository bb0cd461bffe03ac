import { createServer } from 'node:net';

/** The port cannot be listened on: start-up says so in one line, naming PORT. */
export class PortUnavailableError extends Error {
  override name = 'PortUnavailableError';
}

export interface PortReservation {
  /** Frees the port, so the HTTP server can listen on it next. */
  release(): Promise<void>;
}

/**
 * Listens on `port` before anything else starts, so that a port in use stops start-up at once,
 * before a database is created or migrated, and no other process takes the port meanwhile.
 * Connections made to it during start-up are closed. Port 0 (any free port) needs no reservation.
 */
export async function reservePort(port: number, host?: string): Promise<PortReservation> {
  if (port === 0) return { release: async () => {} };
  const holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    holder.once('error', (error) => reject(portError(error, port) ?? error));
    holder.listen(port, host, () => resolve());
  });
  return {
    release: () => new Promise<void>((resolve, reject) => holder.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** The one-line error for a listen that failed because of the port itself, or undefined for any other failure. */
export function portError(error: unknown, port: number): PortUnavailableError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new PortUnavailableError(`port ${port} is in use by another process: stop it, or set PORT to a free port`);
  }
  if (code === 'EACCES') {
    return new PortUnavailableError(`port ${port} needs privileges this process does not have: set PORT to 1024 or above`);
  }
  return undefined;
}
