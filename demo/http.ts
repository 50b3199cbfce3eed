import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface LoopbackServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 (never another interface) on a free port. It answers only GET and HEAD,
 * and POST to the paths `posts` accepts (a GraphQL endpoint: queries are reads).
 */
export async function serveLoopback(handler: (req: IncomingMessage, res: ServerResponse) => void, opts: { posts?: (path: string) => boolean } = {}): Promise<LoopbackServer> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const postAllowed = req.method === 'POST' && !!opts.posts?.(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD' && !postAllowed) {
      res.writeHead(405, { 'Content-Type': 'text/plain' });
      res.end('the sample estate is read-only\n');
      return;
    }
    handler(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}
