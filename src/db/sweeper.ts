import type { Clock } from '../clock';

export interface Sweeper {
  /** Told of activity: starts a sweep in the background if one is due. Never throws, never waits. */
  tidy(): void;
}

/**
 * Housekeeping without a timer: activity calls `tidy`, and a sweep runs when the last one
 * started `everyMs` ago or more (by `clock`), never two at once, each deleting at most `batch`
 * rows; while batches come back full, the next `tidy` sweeps again at once. A failed sweep is
 * only retried later: what it would delete is already ignored by every reader.
 */
export function createSweeper(options: { clock: Clock; everyMs: number; batch: number; sweep: (batch: number) => Promise<number> }): Sweeper {
  let lastSweep = Number.NEGATIVE_INFINITY;
  let sweeping = false;
  return {
    tidy(): void {
      const now = options.clock.now();
      if (sweeping || now - lastSweep < options.everyMs) return;
      sweeping = true;
      lastSweep = now;
      void options
        .sweep(options.batch)
        .then((deleted) => {
          if (deleted >= options.batch) lastSweep = Number.NEGATIVE_INFINITY;
        })
        .catch(() => {})
        .finally(() => (sweeping = false));
    },
  };
}
