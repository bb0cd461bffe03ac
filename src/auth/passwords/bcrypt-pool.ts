import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Nice value of the pool's threads: the scheduler serves the event loop and the database first. */
export const BCRYPT_THREAD_NICE = 10;

/**
 * Each worker lowers its own thread's priority (on Linux a thread's nice value is its own), then
 * asks for SCHED_IDLE, then runs bcrypt's synchronous calls one at a time on this thread, which
 * nothing else waits on. A nice value only weights the thread's share, where a SCHED_IDLE thread
 * gives the CPU up at once to a woken request handler or PostgreSQL backend (docs/performance.md).
 * Node has no call for it, so util-linux's chrt sets it, once per thread; where that fails (not
 * Linux, no chrt) the nice value stays. Evaluated source rather than a file, so that it loads the
 * same under tsx, jest and the compiled build.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
try { require('node:os').setPriority(workerData.nice); } catch {}
let policy = 'nice';
try {
  const tid = require('node:fs').readlinkSync('/proc/thread-self').split('/').pop();
  require('node:child_process').execFileSync('chrt', ['--idle', '--pid', '0', tid], { stdio: 'ignore', timeout: 5000 });
  policy = 'idle';
} catch {}
parentPort.postMessage({ started: policy });
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.data, job.cost) : bcrypt.compareSync(job.data, job.hash);
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  }
});
`;

type Message = { op: 'hash'; data: string; cost: number } | { op: 'compare'; data: string; hash: string };
/** How a thread is scheduled: under SCHED_IDLE, or (where that could not be had) at BCRYPT_THREAD_NICE. */
export type ThreadPolicy = 'idle' | 'nice';

type Reply = { ok: true; result: string | boolean } | { ok: false; message: string } | { started: ThreadPolicy };

interface Job {
  readonly message: Message;
  resolve(result: string | boolean): void;
  reject(error: Error): void;
}

/**
 * bcrypt on worker threads of low priority, at most one job per core at a time. libuv's pool,
 * where bcrypt's async API runs, has the priority of the event loop: during a storm of logins
 * on a small machine its threads took the CPU from request handling and from PostgreSQL alike.
 * Here the scheduler gives the CPU to those first and to bcrypt whatever is left, which is
 * nearly all of it. Jobs wait in order; a worker that dies fails its jobs and is replaced.
 */
export class BcryptPool {
  /** Each worker's jobs, in the order it was sent them; the first is the one it runs. */
  private readonly sent = new Map<Worker, Job[]>();
  private readonly queue: Job[] = [];
  private closed = false;

  private reported = false;

  /** `onStart` hears, once, how the first thread is scheduled, so that start-up can say so. */
  constructor(
    private readonly threads: number = availableParallelism(),
    private readonly onStart: (policy: ThreadPolicy) => void = () => {},
  ) {}

  hash(data: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', data, cost }) as Promise<string>;
  }

  compare(data: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', data, hash }) as Promise<boolean>;
  }

  /** Fails what is still queued and stops the threads; what runs now is not waited for. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the password hasher has been closed'));
    await Promise.all([...this.sent.keys()].map((worker) => worker.terminate()));
  }

  private run(message: Message): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('the password hasher has been closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * An idle worker first, then a new one, then a second job to a busy worker: it starts that job
   * the moment it finishes the first, instead of idling until this thread, busy with requests,
   * gets round to its answer.
   */
  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.workerWith(0) ?? (this.sent.size < this.threads ? this.spawn() : this.workerWith(1));
      if (!worker) return;
      const job = this.queue.shift()!;
      const jobs = this.sent.get(worker)!;
      jobs.push(job);
      // Held while it has work, so that a process awaiting a hash does not exit under it.
      worker.ref();
      worker.postMessage(job.message);
    }
  }

  /** A worker holding exactly `jobs` jobs, if any. */
  private workerWith(jobs: number): Worker | undefined {
    for (const [worker, sent] of this.sent) if (sent.length === jobs) return worker;
    return undefined;
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: require.resolve('bcrypt'), nice: BCRYPT_THREAD_NICE } });
    const jobs: Job[] = [];
    this.sent.set(worker, jobs);
    let failure: Error | undefined;
    worker.on('message', (reply: Reply) => {
      if ('started' in reply) {
        if (!this.reported) this.onStart(reply.started);
        this.reported = true;
        return;
      }
      const job = jobs.shift();
      if (jobs.length === 0) worker.unref();
      if (reply.ok) job?.resolve(reply.result);
      else job?.reject(new Error(reply.message));
      this.dispatch();
    });
    worker.on('error', (error) => (failure = error));
    worker.on('exit', () => {
      this.sent.delete(worker);
      const reason = failure ?? new Error(this.closed ? 'the password hasher has been closed' : 'a bcrypt worker stopped');
      for (const job of jobs.splice(0)) job.reject(reason);
      this.dispatch();
    });
    return worker;
  }
}
