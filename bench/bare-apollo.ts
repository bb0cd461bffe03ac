/**
 * The yardstick of http.meVsApollo, in a process of its own (forked by bench/me-vs-apollo.ts): a
 * bare Apollo Server 5, standalone, answering `me { id username email }` from memory. No token
 * check, no database, no middleware of Gatehouse's: what Apollo itself costs.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const typeDefs = `
  type User { id: ID! username: String! email: String role: String! }
  type Query { me: User }
`;
const me = { id: '00000000-0000-4000-8000-000000000000', username: 'bench', email: 'bench@example.com', role: 'USER' };

async function main(): Promise<void> {
  const server = new ApolloServer({ typeDefs, resolvers: { Query: { me: () => me } } });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  process.send!({ port: Number(new URL(url).port) });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
