import { Agent, request } from 'node:http';

export interface ProbeOptions {
  readonly port: number;
  readonly body: string;
  readonly token: string;
  /** Requests per second, sent on schedule whether or not earlier ones have been answered. */
  readonly rate: number;
  readonly seconds: number;
}

/**
 * Latency in milliseconds of each of `rate × seconds` POSTs to /graphql, timed with
 * performance.now() (autocannon reports whole milliseconds, too coarse for a request that takes
 * one). Requests go out on a fixed schedule over keep-alive connections, so a slow answer does
 * not delay the requests after it (no coordinated omission). Fails on any non-200 answer or
 * GraphQL error.
 */
export async function probeLatency({ port, body, token, rate, seconds }: ProbeOptions): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` };
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request({ port, host: '127.0.0.1', path: '/graphql', method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200 || text.includes('"errors"')) reject(new Error(`probe got ${res.statusCode}: ${text.slice(0, 200)}`));
          else resolve(performance.now() - started);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  const interval = 1000 / rate;
  const count = Math.round(rate * seconds);
  const start = performance.now();
  const answers: Promise<number>[] = [];
  for (let i = 0; i < count; i += 1) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    answers.push(once());
  }
  try {
    return await Promise.all(answers);
  } finally {
    agent.destroy();
  }
}
