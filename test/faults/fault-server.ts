import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend, Handler } from './backends.js';

/** The faults injected at one endpoint (or, for `refused`, at the whole server). */
export const FAULTS = [
  'refused', 'hang', 'trickle', '401', '403', '404', '429', '500', '503', 'malformed_json', 'html_200', 'truncated', 'huge_body',
  'paging_loop', 'next_link_other_host', 'redirect_other_host',
] as const;
export type Fault = (typeof FAULTS)[number];

export interface SeenRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface FaultServer {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A loopback server: the healthy handler for every request, except the target endpoint, which gets the fault. */
export async function startFaultServer(opts: {
  healthy: Handler;
  target: RegExp;
  fault: Fault;
  /** Another origin, for links and redirects to another host. */
  elsewhere: string;
  /** Bytes sent for huge_body: more than the configured body cap, streamed, never held. */
  hugeBytes?: number;
  /** How the target's pages go on, when not by Link header or continue token. */
  pages?: Backend['pages'];
}): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '?', url: req.url ?? '/', authorization: req.headers.authorization });
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (!opts.target.test(path)) return opts.healthy(req, res);
    inject(opts, req, res);
  });
  return listen(server, seen);
}

function inject(opts: { healthy: Handler; fault: Fault; elsewhere: string; hugeBytes?: number; pages?: Backend['pages'] }, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const echo = { message: `denied; you sent ${req.headers.authorization ?? 'nothing'}` };
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  switch (opts.fault) {
    case 'refused':
      return opts.healthy(req, res); // the whole server is gone in this case; see the test
    case 'hang':
      return; // accept, then never answer
    case 'trickle': {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
      return;
    }
    case '401':
      return json(401, echo, { 'WWW-Authenticate': 'Basic realm="fault"' });
    case '403':
      return json(403, echo);
    case '404':
      return json(404, { message: '404 Not Found' });
    case '429':
      return json(429, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, { 'Retry-After': '1' });
    case '500':
      return json(500, { message: 'internal error' });
    case '503':
      return json(503, { message: 'unavailable' });
    case 'malformed_json':
      return json(200, '{"data": [1, 2, {"broken": ');
    case 'html_200':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return void res.end('<!doctype html><html><body><h1>Sign in</h1><form>…</form></body></html>');
    case 'truncated':
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '4000' });
      res.write('{"status":"success","data":[{"name":"x"');
      return void setTimeout(() => res.socket?.destroy(), 20);
    case 'huge_body':
      return streamHuge(res, opts.hugeBytes ?? 32 * 1024 * 1024);
    case 'paging_loop':
    case 'next_link_other_host':
      if (opts.pages) return relink(opts as typeof opts & { pages: NonNullable<Backend['pages']> }, req, res);
      // A page asked for by the query of the foreign link (GitLab's way) is served as it is.
      if (opts.fault === 'next_link_other_host' && url.searchParams.get('page') === '2') return opts.healthy(req, res);
      // The healthy page for the request as first asked (its own paging parameters removed).
      for (const p of ['continue', 'page']) url.searchParams.delete(p);
      req.url = url.pathname + url.search;
      return capture(opts.healthy, req, (status, headers, body) => {
        const self = `http://${req.headers.host}${req.url}`;
        const next = opts.fault === 'paging_loop' ? self : `${opts.elsewhere}${url.pathname}${url.search}${url.search ? '&' : '?'}page=2`;
        let out = body;
        const h: Record<string, string> = { ...headers };
        delete h['content-length'];
        if (req.url?.includes('/apis/')) {
          // Kubernetes pages with continue tokens: one that never changes.
          const doc = JSON.parse(body.toString('utf8')) as { metadata?: Record<string, unknown> };
          doc.metadata = { ...doc.metadata, continue: 'the-same-token' };
          out = Buffer.from(JSON.stringify(doc));
        } else {
          h.link = `<${next}>; rel="next"`;
          if (opts.fault === 'paging_loop') h['x-next-page'] = url.searchParams.get('page') ?? '1';
        }
        res.writeHead(status, h);
        res.end(out);
      });
    case 'redirect_other_host':
      res.writeHead(302, { Location: `${opts.elsewhere}${url.pathname}${url.search}` });
      return void res.end();
  }
}

/**
 * The paging faults for lists paged by offset, page number or cursor. A loop: the server ignores
 * what page is asked for and always sends the first, saying another follows (itself). A next
 * link to another host: the page asked for, whose link names the other host.
 */
function relink(opts: { fault: Fault; healthy: Handler; elsewhere: string; pages: NonNullable<Backend['pages']> }, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (opts.fault === 'paging_loop') for (const p of opts.pages.params) url.searchParams.delete(p);
  req.url = url.pathname + url.search;
  const next = opts.fault === 'paging_loop' ? `http://${req.headers.host}${req.url}` : `${opts.elsewhere}${req.url}`;
  return capture(opts.healthy, req, (status, headers, body) => {
    const h: Record<string, string> = { ...headers };
    delete h['content-length'];
    if (opts.fault === 'paging_loop') delete h['x-total-count']; // a total would bound the read: the loop is in the links
    if (status !== 200) {
      res.writeHead(status, h);
      return void res.end(body);
    }
    const page = { body: JSON.parse(body.toString('utf8')) as unknown, headers: h };
    opts.pages.linkNext(page, next);
    res.writeHead(status, page.headers);
    res.end(JSON.stringify(page.body));
  });
}

/** Streams `bytes` of a JSON array in 64 KiB chunks, honouring back-pressure, never holding it. */
function streamHuge(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(64 * 1024, ' ');
  let sent = 0;
  res.write('[');
  const pump = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end(']');
  };
  res.on('close', () => {
    sent = bytes + 1; // the client gave up: stop
  });
  pump();
}

/** Runs the healthy handler into a buffer, to serve its answer with other headers. */
function capture(handler: Handler, req: IncomingMessage, done: (status: number, headers: Record<string, string>, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let status = 200;
  const headers: Record<string, string> = {};
  const fake = {
    statusCode: 200,
    setHeader: (k: string, v: string) => void (headers[k.toLowerCase()] = String(v)),
    getHeader: (k: string) => headers[k.toLowerCase()],
    writeHead(s: number, h?: Record<string, string>) {
      status = s;
      for (const [k, v] of Object.entries(h ?? {})) headers[k.toLowerCase()] = String(v);
      return fake;
    },
    write(c: string | Buffer) {
      chunks.push(Buffer.from(c));
      return true;
    },
    end(c?: string | Buffer) {
      if (c) chunks.push(Buffer.from(c));
      done(fake.statusCode !== 200 ? fake.statusCode : status, headers, Buffer.concat(chunks));
    },
  };
  handler(req, fake as unknown as ServerResponse);
}

/** A server on another loopback origin that records whoever comes. */
export async function startElsewhere(): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '?', url: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end('{"message":"elsewhere"}');
  });
  return listen(server, seen);
}

/** A port nothing listens on. */
export async function closedPort(): Promise<string> {
  const s = await listen(createServer(), []);
  await s.close();
  return s.url;
}

async function listen(server: Server, seen: SeenRequest[]): Promise<FaultServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
