import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SANDBOX_TOKEN_PLACEHOLDER } from '../../src/graphql/sandbox';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The README section under the heading `title`, up to the next heading of its level or above. */
function section(title: string): string {
  const heading = new RegExp(`^(#{2,3}) ${title}$`, 'm').exec(README);
  if (!heading) throw new Error(`README has no section "${title}"`);
  const rest = README.slice(heading.index + heading[0].length);
  const next = new RegExp(`^#{2,${heading[1]!.length}} `, 'm').exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The contents of the section's ```ts blocks. */
function tsBlocks(title: string): string[] {
  return [...section(title).matchAll(/^```ts\n([^]*?)^```$/gm)].map((match) => match[1]!);
}

// The README shows these files whole; the tests in this folder run the files. Together: what a
// reader copies is what was tested.
describe('the README', () => {
  it.each([
    ['Use it from Apollo Client', 'examples/apollo-client/token-store.ts'],
    ['Use it from Apollo Client', 'examples/apollo-client/auth-link.ts'],
    ['Use it from Apollo Client', 'examples/apollo-client/client.ts'],
    ['Generate types', 'codegen.ts'],
    ['Verify tokens in another service', 'examples/verify-token.ts'],
  ])('shows, under "%s", %s exactly as it is', (title, file) => {
    expect(tsBlocks(title)).toContain(readFileSync(join(ROOT, file), 'utf8'));
  });

  it('tells Sandbox users the placeholder the Sandbox really opens with', () => {
    expect(section('Try it in Apollo Sandbox')).toContain(`Authorization: Bearer ${SANDBOX_TOKEN_PLACEHOLDER}`);
  });
});
