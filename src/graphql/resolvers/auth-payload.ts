import type { Resolvers } from '../generated/resolvers-types';

/** A pair's refresh token is in the body unless the request's transport put it in a cookie. */
export function authPayloadResolvers(): Pick<Resolvers, 'AuthPayload'> {
  return {
    AuthPayload: {
      refreshToken: (issued, _, context) => (context.refreshTokens.inBody ? issued.refreshToken : null),
    },
  };
}
