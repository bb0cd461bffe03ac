import { cpus } from 'node:os';

/** Runs `fn` repeatedly for `ms` and returns operations per second. */
export async function opsPerSecond(fn: () => unknown, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let count = 0;
  let now = performance.now();
  const started = now;
  while (now < end) {
    await fn();
    count += 1;
    now = performance.now();
  }
  return count / ((now - started) / 1000);
}

/**
 * Measures every variant in turn, `rounds` times, interleaved so that a machine's drift hits
 * them all alike; reports each variant's median.
 */
export async function compare<K extends string>(variants: Record<K, () => unknown>, options: { ms: number; rounds: number }): Promise<Record<K, number>> {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, [] as number[]])) as unknown as Record<K, number[]>;
  for (const fn of Object.values<() => unknown>(variants)) await opsPerSecond(fn, options.ms / 2);
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [name, fn] of Object.entries<() => unknown>(variants)) samples[name as K].push(await opsPerSecond(fn, options.ms));
  }
  return Object.fromEntries(Object.entries<number[]>(samples).map(([k, v]) => [k, Math.round(median(v))])) as Record<K, number>;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function machine(): { cpu: string; cores: number; node: string } {
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, node: process.version };
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
