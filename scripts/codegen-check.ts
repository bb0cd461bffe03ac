import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen';

/**
 * `npm run codegen:check` (run by pretest, so by CI): regenerates in memory and compares with
 * the checked-in files, without touching them or asking git. Exits 1 naming each stale,
 * missing or leftover file.
 */
async function main(): Promise<void> {
  const root = resolve(__dirname, '..');
  // generate() is typed `any` for its watch mode; without watching it returns the files.
  const outputs: readonly { filename: string; content: string }[] = await generate({ ...config, cwd: root, silent: true }, false);
  const expected = new Map(outputs.map((output) => [resolve(root, output.filename), output.content]));
  const problems: string[] = [];
  for (const [path, content] of expected) {
    if (!existsSync(path)) problems.push(`missing: ${relative(root, path)}`);
    else if (readFileSync(path, 'utf8') !== content) problems.push(`stale: ${relative(root, path)}`);
  }
  // A generated folder holds only what codegen writes now: a file it no longer writes is stale too.
  for (const dir of Object.keys(config.generates).filter((target) => target.endsWith('/'))) {
    for (const name of readdirSync(resolve(root, dir))) {
      if (!expected.has(resolve(root, dir, name))) problems.push(`leftover: ${join(dir, name)}`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`Generated files differ from the schema and documents: run \`npm run codegen\` and commit.\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`codegen: ${expected.size} generated files up to date\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`codegen:check failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
