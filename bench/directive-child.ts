/**
 * Child of bench/directive.ts. Loads bench/directive-variants.ts once per variant, each time with
 * an empty module cache, so each variant runs on a copy of graphql (and of our code) of its own:
 * what the JIT learns from one variant's resolvers does not slow, or speed, another's. Then
 * measures in cycles: each cycle runs every variant for a short window, in a rotating order.
 * Comparing variants within one cycle cancels the drift of a shared machine, which moves every
 * figure by more over seconds than the differences measured here (docs/performance.md).
 */
import type * as Variants from './directive-variants';

type Module = typeof Variants;
export type ChildSamples = Record<Variants.Query, Record<Variants.Variant, number[]>>;

function freshCopy(): Module {
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./directive-variants') as Module;
}

/** Runs `fn` for at least `ms` and at least once; ops per second of wall time. */
async function window(fn: () => unknown, ms: number): Promise<number> {
  const started = performance.now();
  let count = 0;
  do {
    await fn();
    count += 1;
  } while (performance.now() - started < ms);
  return (count * 1000) / (performance.now() - started);
}

async function main(cycles: number, windowMs: number): Promise<ChildSamples> {
  const first = freshCopy();
  const [names, queries] = [first.VARIANTS, first.QUERY_NAMES];
  const modules = new Map<Variants.Variant, Record<Variants.Query, () => unknown>>();
  for (const [i, variant] of names.entries()) modules.set(variant, await (i === 0 ? first : freshCopy()).prepareVariant(variant));
  const samples = Object.fromEntries(queries.map((q) => [q, Object.fromEntries(names.map((v) => [v, [] as number[]]))])) as ChildSamples;
  for (const query of queries) {
    for (const variant of names) await window(modules.get(variant)![query], 500);
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      for (let k = 0; k < names.length; k += 1) {
        const variant = names[(cycle + k) % names.length]!;
        samples[query][variant].push(await window(modules.get(variant)![query], windowMs));
      }
    }
  }
  return samples;
}

main(Number(process.argv[2]), Number(process.argv[3])).then(
  (samples) => process.stdout.write(`${JSON.stringify(samples)}\n`),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
