import type { Services } from '../../auth/services';
import { actAs, actorOf, principalOf } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';

/** The mutations of password resets and addresses: each one call into the services. */
export function emailMutationResolvers({ emails, passwordResets }: Services): MutationResolvers {
  return {
    requestPasswordReset: (_, { email }, context) => passwordResets.requestPasswordReset(email, context.client),

    async resetPassword(_, { token, newPassword }, context, info) {
      const issued = await passwordResets.resetPassword(token, newPassword, context.client);
      // The payload resolves as the user it signed in.
      actAs(context, info, issued.principal);
      return context.refreshTokens.issued(issued);
    },

    verifyEmail: (_, { token }, context) => emails.verifyEmail(token, context.client),

    requestEmailVerification: (_, __, context, info) => emails.requestEmailVerification(principalOf(context, info)),

    changeEmail: (_, { newEmail, currentPassword }, context, info) => emails.changeEmail(principalOf(context, info), { newEmail, currentPassword }, context.client),

    sendPasswordReset: (_, { userId }, context, info) => passwordResets.sendPasswordReset(userId, actorOf(context, info)),
  };
}
