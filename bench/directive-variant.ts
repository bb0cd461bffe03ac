/** Child of bench/run.ts: measures one variant of the directive benchmark alone in this process. */
import { measureVariant, type Variant } from './directive';

measureVariant(process.argv[2] as Variant, Number(process.argv[3])).then(
  (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
