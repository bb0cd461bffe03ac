import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
// npm, then tsx, then a database to open and migrate: a slow machine gets room, never forever.
export const RUN_DEADLINE_MS = 90_000;

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** PATH and HOME (npm needs them) and a cheap bcrypt, under what the test gives. */
const environment = (env: Record<string, string>) => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? ROOT, BCRYPT_COST: '4', ...env });

/**
 * Kills the child's whole process group (npm, its shell, the node under them) if the deadline
 * passes; resolves with its exit code when it closes.
 */
function closed(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  const deadline = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), RUN_DEADLINE_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve(code);
    });
  });
}

/** `npm run user:create -- ...args` with `stdin` piped to it and only `env`, in a process group of its own. */
export async function userCreate(args: string[], stdin: string, env: Record<string, string>): Promise<Run> {
  const child = spawn('npm', ['run', 'user:create', '--', ...args], { cwd: ROOT, env: environment(env), stdio: 'pipe', detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  return { code: await closed(child), stdout, stderr };
}

/** Whether util-linux `script` is there to give a command a pseudo-terminal. */
export function terminalAvailable(): boolean {
  return spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface TerminalRun {
  /** Everything the terminal showed so far: standard output and error, and whatever it echoed. */
  output(): string;
  /** Keys typed at the terminal, as a person would (Enter is `\r`). */
  type(keys: string): void;
  readonly exited: Promise<number | null>;
  running(): boolean;
}

/**
 * The command on a pseudo-terminal of its own (util-linux `script`), so that standard input is a
 * terminal: what it echoes shows in `output()` as it would on a screen.
 */
export function userCreateOnTerminal(args: string[], env: Record<string, string>): TerminalRun {
  for (const arg of args) if (!/^[\w@.+-]+$/.test(arg)) throw new Error(`not safe to pass through a shell: ${arg}`);
  const command = ['node', '--import', 'tsx', 'src/cli/user-create.ts', ...args].join(' ');
  // -q: no banner; -e: its exit code; -f: output as it comes; the typescript file is thrown away.
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: ROOT, env: environment(env), stdio: 'pipe', detached: true });
  let output = '';
  let running = true;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  // script waits on its standard input no longer once the command is done.
  child.once('exit', () => child.stdin.end());
  const exited = closed(child).finally(() => (running = false));
  return { output: () => output, type: (keys) => void child.stdin.write(keys), exited, running: () => running };
}
