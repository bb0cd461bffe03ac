/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Gatehouse's GraphQL endpoint; http://localhost:4000/graphql unless set at build time. */
  readonly VITE_GATEHOUSE_URL?: string;
}
