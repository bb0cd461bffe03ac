import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './wait-for';

const ROOT = join(__dirname, '..', '..');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  /** The server's own pid: node runs main.ts itself (tsx as a loader), so signals reach it, not a wrapper. */
  readonly pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The complete stdout lines that are JSON log lines, in order. */
  logs(): Record<string, unknown>[];
  readonly exited: Promise<Exit>;
  running(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL if still running, then waits for the exit: for afterAll/finally. */
  dispose(): Promise<void>;
}

export interface RunningService extends ServiceProcess {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
}

/**
 * Starts `node --import tsx src/main.ts` with only the environment given (plus PATH and
 * NODE_ENV=test): nothing leaks in from the shell or jest, such as DATABASE_URL or NODE_OPTIONS.
 */
export function spawnService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', TMPDIR: process.env['TMPDIR'] ?? '/tmp', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), (stdout += chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  let exit: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
  });
  if (child.pid === undefined) throw new Error('could not spawn the service');
  return {
    pid: child.pid,
    output: () => out,
    // The last piece may be a line still being written: only whole lines are parsed.
    logs: () =>
      stdout
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    running: () => exit === undefined,
    signal: (signal) => void child.kill(signal),
    async dispose() {
      if (exit === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Spawns the service on a port of its choosing (PORT=0, so no other process can take it first)
 * and resolves once it says where it listens and /health answers 200. LOG_LEVEL must leave info on.
 */
export async function startService(env: Record<string, string>, timeoutMs = 40_000): Promise<RunningService> {
  const service = spawnService({ PORT: '0', BCRYPT_COST: '4', LOG_LEVEL: 'info', ...env });
  try {
    let port: number | undefined;
    await waitFor(
      () => {
        if (!service.running()) throw new Error(`the service exited during start-up:\n${service.output()}`);
        const line = service.logs().find((entry) => typeof entry['url'] === 'string');
        if (line) port = Number(new URL(line['url'] as string).port);
        return port !== undefined;
      },
      'the service to listen',
      timeoutMs,
    );
    const origin = `http://127.0.0.1:${port}`;
    const health = await fetch(`${origin}/health`);
    if (health.status !== 200) throw new Error(`/health answered ${health.status} after start-up`);
    return { ...service, port: port!, origin };
  } catch (error) {
    await service.dispose();
    throw error;
  }
}

/** Whether a TCP connection to the port is refused (nothing listens), as opposed to accepted. */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
