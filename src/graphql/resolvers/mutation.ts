import type { GraphQLResolveInfo } from 'graphql';
import type { Services } from '../../auth/services';
import type { IssuedSession } from '../../auth/tokens/token-issuer';
import { type AuthEvents, reported } from '../auth-events';
import { actAs, type GraphQLContext, principalOf } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';

/** The payload of a mutation that established a caller resolves as that caller. */
function payload(context: GraphQLContext, info: GraphQLResolveInfo, issued: IssuedSession): IssuedSession {
  actAs(context, info, issued.principal);
  return issued;
}

export function mutationResolvers({ auth, sessions, users, signingKeys }: Services, events: AuthEvents): MutationResolvers {
  return {
    async register(_, { input }, context, info) {
      return payload(context, info, await auth.register(input, context.client));
    },

    async login(_, { input }, context, info) {
      return payload(context, info, await reported(events.login, auth.login(input, context.client)));
    },

    async refresh(_, { refreshToken }, context, info) {
      return payload(context, info, await reported(events.refresh, auth.refresh(refreshToken)));
    },

    logout(_, { refreshToken }, context) {
      return auth.logout(refreshToken ?? undefined, context.auth.ok ? context.auth.principal : undefined);
    },

    logoutAll(_, __, context, info) {
      return sessions.logoutAll(principalOf(context, info));
    },

    async changePassword(_, { input }, context, info) {
      return payload(context, info, await auth.changePassword(principalOf(context, info), input, context.client));
    },

    revokeSession(_, { id }, context, info) {
      return sessions.revoke(principalOf(context, info), id);
    },

    setUserRole(_, { userId, role }) {
      return users.setRole(userId, role);
    },

    setUserDisabled(_, { userId, disabled }) {
      return users.setDisabled(userId, disabled);
    },

    rotateSigningKey: () => signingKeys.rotate(),

    revokeSigningKey: (_, { kid }) => signingKeys.revoke(kid),
  };
}
