import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootstrap, type TestOp } from './bootstrap.js';

export interface HttpOp extends TestOp {
  /** The issuer: http://127.0.0.1:<port>, where the OP really listens. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * The OP on a real port (for clients that speak HTTP, like openid-client): listen first, then
 * build the app with the issuer that port gives.
 */
export async function startHttpOp(env: Record<string, string> = {}): Promise<HttpOp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const op = await bootstrap({ OP_ISSUER: issuer, ...env });
  server.on('request', op.app);
  return {
    ...op,
    issuer,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await op.dispose();
    },
  };
}
