/** Gatehouse's GraphQL endpoint, fixed at build time. */
export const GATEHOUSE_URL = import.meta.env.VITE_GATEHOUSE_URL ?? 'http://localhost:4000/graphql';
