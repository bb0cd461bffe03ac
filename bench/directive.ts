import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ChildSamples } from './directive-child';
import { QUERY_NAMES, type Query, VARIANTS, type Variant } from './directive-variants';
import { median } from './measure';

const run = promisify(execFile);

export type DirectiveResults = Record<Query, Record<Variant, number>> & {
  /** Medians of the ratios measured within one cycle: what the targets are checked against. */
  readonly ratios: Record<Query, { readonly authOverNone: number; readonly authOverAsync: number; readonly authOverShield: number; readonly freshOverNone: number }>;
};

/**
 * graphql `execute` on one schema and data, with no auth, our directive, the async pattern,
 * graphql-shield and our directive with a `fresh` step-up on every rule, interleaved in cycles (see bench/directive-child.ts), in `processes` fresh
 * processes one after the other. Each figure in ops/s is the median of its windows; each ratio is
 * the median over cycles of the ratio within a cycle.
 */
export async function benchDirective(options: { processes: number; cycles: number; windowMs: number }): Promise<DirectiveResults> {
  const all = Object.fromEntries(QUERY_NAMES.map((q) => [q, Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]]))])) as ChildSamples;
  for (let p = 0; p < options.processes; p += 1) {
    const child = join(__dirname, 'directive-child.ts');
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', child, String(options.cycles), String(options.windowMs)], { maxBuffer: 1 << 24 });
    const samples = JSON.parse(stdout) as ChildSamples;
    for (const q of QUERY_NAMES) for (const v of VARIANTS) all[q][v].push(...samples[q][v]);
  }
  const ratio = (q: Query, over: Variant, of: Variant = 'auth') => Math.round(median(all[q][of].map((ours, i) => ours / all[q][over][i]!)) * 1000) / 1000;
  const figures = (q: Query) => Object.fromEntries(VARIANTS.map((v) => [v, Math.round(median(all[q][v]))])) as Record<Variant, number>;
  return {
    me: figures('me'),
    list1000: figures('list1000'),
    ratios: {
      me: { authOverNone: ratio('me', 'none'), authOverAsync: ratio('me', 'async'), authOverShield: ratio('me', 'shield'), freshOverNone: ratio('me', 'none', 'fresh') },
      list1000: {
        authOverNone: ratio('list1000', 'none'),
        authOverAsync: ratio('list1000', 'async'),
        authOverShield: ratio('list1000', 'shield'),
        freshOverNone: ratio('list1000', 'none', 'fresh'),
      },
    },
  };
}
