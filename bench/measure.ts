import { cpus } from 'node:os';

/**
 * Runs `fn` repeatedly for `ms` of wall time and returns operations per second of this process's
 * CPU time: on a shared 2-core machine, time stolen by other processes would otherwise swamp a
 * few per cent of difference between two variants.
 */
export async function opsPerSecond(fn: () => unknown, ms: number): Promise<number> {
  const end = performance.now() + ms;
  const cpu = process.cpuUsage();
  let count = 0;
  while (performance.now() < end) {
    await fn();
    count += 1;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

/** A full collection when the bench runs with --expose-gc (npm run bench does). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
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
