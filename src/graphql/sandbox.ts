import type { ApolloServerPlugin } from '@apollo/server';
import { renderSandboxPage } from './sandbox-page';

/** What the Sandbox's Authorization header holds until the user pastes an access token over it. */
export const SANDBOX_TOKEN_PLACEHOLDER = 'PASTE_ACCESS_TOKEN_HERE';

const FIRST_STEPS = `# 1. Fill in the variables below and run Login.
# 2. Paste its accessToken over ${SANDBOX_TOKEN_PLACEHOLDER} in the Headers tab.
# 3. Run Me.
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken accessTokenExpiresAt refreshToken user { id username role } }
}

query Me {
  me { id username email role sessions { id current userAgent lastUsedAt } }
}
`;

/**
 * Apollo Sandbox at /graphql, outside production: it opens on a Login and a Me, with the
 * `Authorization: Bearer …` header already in place for the token (login is public, so the
 * placeholder does not stand in its way). Apollo's stock page is not used: its text for a
 * Sandbox that cannot load is Apollo's own, and its Sandbox reports telemetry.
 */
export function sandboxLandingPage(): ApolloServerPlugin {
  const initialState = {
    document: FIRST_STEPS,
    variables: { input: { username: '', password: '' } },
    headers: { Authorization: `Bearer ${SANDBOX_TOKEN_PLACEHOLDER}` },
  };
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: async () => renderSandboxPage(initialState) };
        },
      };
    },
  };
}
