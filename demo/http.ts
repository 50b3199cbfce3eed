import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * Weak ETags and 304 Not Modified for a handler that answers with `writeHead` then one `end`, as
 * GitLab's API does (Rack::ETag and Rack::ConditionalGet: the ETag is a digest of the body, and a
 * GET whose If-None-Match names it gets 304 without the body).
 */
export function withEtags(handler: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    let head: { status: number; headers: OutgoingHttpHeaders } | undefined;
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: OutgoingHttpHeaders) => ServerResponse;
    const end = res.end.bind(res) as (body?: string | Buffer) => ServerResponse;
    res.writeHead = ((status: number, headers?: OutgoingHttpHeaders) => {
      head = { status, headers: headers ?? {} };
      return res;
    }) as typeof res.writeHead;
    res.end = ((body?: string | Buffer) => {
      const status = head?.status ?? res.statusCode;
      const headers = head?.headers ?? {};
      if (status !== 200 || req.method !== 'GET' || body === undefined || typeof body === 'function') {
        writeHead(status, headers);
        return end(body);
      }
      const etag = `W/"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
      if (req.headers['if-none-match'] === etag) {
        writeHead(304, { etag });
        return end();
      }
      writeHead(status, { ...headers, etag });
      return end(body);
    }) as typeof res.end;
    handler(req, res);
  };
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
