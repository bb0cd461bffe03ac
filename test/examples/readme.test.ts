import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { SANDBOX_TOKEN_PLACEHOLDER } from '../../src/graphql/sandbox';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The user-facing documents whose TypeScript a reader may copy. */
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The README section under the heading `title`, up to the next heading of its level or above. */
function section(title: string): string {
  const heading = new RegExp(`^(#{2,3}) ${title}$`, 'm').exec(README);
  if (!heading) throw new Error(`README has no section "${title}"`);
  const rest = README.slice(heading.index + heading[0].length);
  const next = new RegExp(`^#{2,${heading[1]!.length}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The contents of the ```ts blocks of `markdown`. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([^]*?)^```$/gm)].map((match) => match[1]!);
}

interface Block {
  readonly where: string;
  /** Where the block is compiled: a file in examples/, so that `./apollo-client/…` and `./verify-token` resolve. */
  readonly fileName: string;
  readonly text: string;
}

const blocks: Block[] = DOCUMENTS.flatMap((doc) =>
  tsBlocks(readFileSync(join(ROOT, doc), 'utf8')).map((text, i) => ({
    where: `${doc}, TypeScript block ${i + 1}`,
    fileName: join(ROOT, 'examples', `${doc.replace(/[/.]/g, '-')}-block-${i + 1}.ts`),
    // Each block is a module of its own, whether or not it imports anything.
    text: `${text}\nexport {};\n`,
  })),
);

/** Type-checks the blocks together, as files of the repository under its tsconfig: the problems found, by block. */
function typeCheck(files: readonly Block[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error('tsconfig.json could not be read');
  const byName = new Map(files.map((block) => [resolve(block.fileName), block]));
  const host = ts.createCompilerHost(parsed.options);
  const readSource = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, language, ...rest) => {
    const block = byName.get(resolve(name));
    return block ? ts.createSourceFile(name, block.text, language) : readSource(name, language, ...rest);
  };
  host.fileExists = (name) => byName.has(resolve(name)) || fileExists(name);
  const program = ts.createProgram({ rootNames: [...byName.keys()], options: { ...parsed.options, noEmit: true }, host });
  return [...byName].flatMap(([name, block]) =>
    ts.getPreEmitDiagnostics(program, program.getSourceFile(name)).map((diagnostic) => {
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
      return `${block.where}, line ${line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    }),
  );
}

// The examples themselves are run by the other tests in this folder; here, what a reader copies
// from the documents must compile against them as they are.
describe('the README and docs/', () => {
  it('show a complete Apollo Client snippet in the README', () => {
    const snippets = tsBlocks(section('Use it from Apollo Client'));
    expect(snippets).toHaveLength(1);
    expect(snippets[0]).toMatch(/^import .* from '\.\/apollo-client\/client';$/m);
  });

  it('hold TypeScript that compiles, imports included, against the examples and the installed packages', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(typeCheck(blocks)).toEqual([]);
  });

  it('catch a snippet that no longer matches the examples', () => {
    const stale = { where: 'a stale copy', fileName: join(ROOT, 'examples', 'stale-block.ts'), text: "import { logIn } from './apollo-client/client';\nvoid logIn();\nexport {};\n" };
    expect(typeCheck([stale])).toEqual([expect.stringContaining('a stale copy, line 2: Expected 4 arguments')]);
  });

  it('tell Sandbox users the placeholder the Sandbox really opens with', () => {
    expect(section('Try it in Apollo Sandbox')).toContain(`Authorization: Bearer ${SANDBOX_TOKEN_PLACEHOLDER}`);
  });

  it('name every variable the configuration reads, in the README and in docs/api.md', () => {
    const source = readFileSync(join(ROOT, 'src', 'config', 'config.ts'), 'utf8');
    const schema = source.slice(source.indexOf('const env = z.object({'), source.indexOf('\n});', source.indexOf('const env = z.object({')));
    const variables = [...schema.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
    expect(variables).toContain('JWT_SECRET');
    const api = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
    const missing = variables.flatMap((name) => [
      ...(section('Configuration').includes(`\`${name}\``) ? [] : [`README.md: ${name}`]),
      ...(api.includes(`| \`${name}\``) || api.includes(`, \`${name}\``) ? [] : [`docs/api.md: ${name}`]),
    ]);
    expect(missing).toEqual([]);
  });

  it('link only to files and folders that exist', () => {
    const broken = [...DOCUMENTS, 'CONTRIBUTING.md'].flatMap((doc) =>
      [...readFileSync(join(ROOT, doc), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(resolve(ROOT, dirname(doc), target)))
        .map((target) => `${doc} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
