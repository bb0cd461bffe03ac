import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  /** The port on 127.0.0.1 to connect to instead of the target's. */
  readonly port: number;
  /** Every connection through the proxy drops at once, and new ones are hung up on as they arrive. */
  cut(): void;
  /** New connections are hung up on as they arrive, while those open stay up: a client cannot reconnect. */
  refuseNew(): void;
  /** New connections go through again (the dropped ones stay dropped). */
  restore(): void;
  /** How many connections are open through the proxy now. */
  openConnections(): number;
  /** How many connections were hung up on as they arrived, while cut: the client's failed attempts. */
  hungUp(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `targetPort`, for a test to pull the cable between a
 * client and its server: what the client sees is a network fault, not a server shutting down
 * politely, and the server itself stays up for everyone else.
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let cut = false;
  let hungUp = 0;

  const server = createServer((client) => {
    if (cut) {
      // Accepted by the kernel already: hanging up at once is the nearest thing to a refusal.
      hungUp += 1;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // Errors are the point of this proxy: either side failing just ends the pair.
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no TCP address');

  const dropAll = () => {
    for (const [client, upstream] of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  return {
    port: address.port,
    cut() {
      cut = true;
      dropAll();
    },
    refuseNew() {
      cut = true;
    },
    restore() {
      cut = false;
    },
    openConnections: () => pairs.size,
    hungUp: () => hungUp,
    close() {
      dropAll();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
