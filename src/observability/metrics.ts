import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RevocationList } from '../auth/sessions/revocation';
import type { AuthEvents } from '../graphql/auth-events';

export interface Metrics {
  readonly registry: Registry;
  /** What the schema reports: logins, refreshes and denied fields. */
  readonly events: AuthEvents;
  /** Starts timing one /graphql request; call the result with its HTTP status when it is answered. */
  startRequest(): (status: number) => void;
}

/**
 * A registry of this instance's own (prom-client's global one would be shared by every server
 * in the process, and by tests). Label values are bounded: outcomes and reasons are the API's
 * fixed codes, never user input.
 */
export function createMetrics(deps: { revocations: RevocationList }): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const logins = new Counter({ name: 'gatehouse_logins_total', help: 'login mutations by outcome: ok, or the failure reason or code', labelNames: ['outcome'] as const, registers });
  const refreshes = new Counter({ name: 'gatehouse_refreshes_total', help: 'refresh mutations by outcome: ok, or the failure reason or code', labelNames: ['outcome'] as const, registers });
  const denials = new Counter({ name: 'gatehouse_denials_total', help: 'guarded fields refused by the @auth directive, by reason', labelNames: ['reason'] as const, registers });
  const duration = new Histogram({
    name: 'gatehouse_graphql_request_duration_seconds',
    help: 'time from receiving a /graphql request to finishing its answer, by HTTP status',
    labelNames: ['status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  // Registered, and read afresh at each scrape: nothing to keep up to date in between.
  new Gauge({
    name: 'gatehouse_revocations',
    help: 'entries in the in-memory revocation state: revoked sessions, and users with a token cut-off',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const size = deps.revocations.size();
      this.set({ kind: 'session' }, size.sessions);
      this.set({ kind: 'user' }, size.users);
    },
  });

  return {
    registry,
    events: {
      login: (outcome) => logins.inc({ outcome }),
      refresh: (outcome) => refreshes.inc({ outcome }),
      denied: (reason) => denials.inc({ reason }),
    },
    startRequest() {
      const end = duration.startTimer();
      return (status) => void end({ status: String(status) });
    },
  };
}

/**
 * Node's own metrics (CPU, memory, event-loop lag, GC) into this registry. Once per process, by
 * main: they describe the process, and their event-loop monitor ticks on its own timer.
 */
export function collectProcessMetrics(metrics: Metrics): void {
  collectDefaultMetrics({ register: metrics.registry });
}
