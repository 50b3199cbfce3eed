import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import cron from 'node-cron';
import { errorMessage, UsageError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Report } from '../report/schema.js';
import { AgentMetrics } from './metrics.js';

export interface ScanOutcome {
  report: Report;
  json: string;
  markdown: string;
  /** The HTML report, rendered on the first request for it (most scrapers never ask). */
  html?: () => string;
}

export interface AgentOptions {
  /** A cron expression (5 fields, or 6 with seconds first). */
  schedule: string;
  host: string;
  port: number;
  scan: () => Promise<ScanOutcome>;
  log: Logger;
  /** Aborted to stop the agent (SIGTERM, SIGINT, or a test). */
  shutdown: AbortSignal;
  /** How long a running scan may go on after shutdown before it is abandoned. */
  graceMs: number;
  onListening?: (url: string) => void;
}

/** `host:port` for --listen; an IPv6 address in brackets. */
export function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`--listen: expected host:port such as 127.0.0.1:9700, got '${v}'`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/**
 * The agent behind `techops serve`: one scan at start, then one per tick of the schedule, never
 * two at once (a tick that finds a scan running is counted as skipped); the metrics, the latest
 * report and health on HTTP. On shutdown it stops ticking, closes the listener, lets the running
 * scan finish within the grace period and otherwise abandons it — a run is recorded in one
 * transaction at its end, so an abandoned scan leaves the store as it was.
 */
/** Resolves at shutdown: true when a running scan was abandoned. */
export async function runAgent(o: AgentOptions): Promise<boolean> {
  if (!cron.validate(o.schedule)) throw new UsageError(`--schedule: '${o.schedule}' is not a cron expression (e.g. "*/15 * * * *", or six fields with seconds first)`);
  const metrics = new AgentMetrics();
  let latest: ScanOutcome | undefined;
  let latestHtml: { of: ScanOutcome; html: string } | undefined;
  const htmlOf = (outcome: ScanOutcome): string | undefined => {
    if (!outcome.html) return undefined;
    if (latestHtml?.of !== outcome) latestHtml = { of: outcome, html: outcome.html() };
    return latestHtml.html;
  };
  let running: Promise<void> | undefined;

  const scanNow = (reason: string) => {
    if (running) {
      metrics.observeSkipped();
      o.log.warn('scan skipped: the previous one is still running', { reason });
      return;
    }
    const started = Date.now();
    o.log.info('scan started', { reason });
    running = o.scan()
      .then((outcome) => {
        latest = outcome;
        metrics.observeReport(outcome.report, (Date.now() - started) / 1000);
        o.log.info('scan finished', { duration_ms: Date.now() - started, met: outcome.report.summary.criteria.met });
      })
      .catch((err) => {
        metrics.observeFailure((Date.now() - started) / 1000);
        o.log.error('scan failed', { error: errorMessage(err) });
      })
      .finally(() => {
        running = undefined;
      });
  };

  const server = createServer((req, res) => void route(req, res).catch((err) => {
    o.log.error('request failed', { path: req.url, error: errorMessage(err) });
    if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
  }));
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    switch (path) {
      case '/metrics': {
        const m = await metrics.exposition();
        return send(res, 200, m.contentType, m.body);
      }
      case '/healthz':
        return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      case '/readyz':
        // Ready once a report exists: before that, /metrics has no levels to give.
        return latest ? send(res, 200, 'text/plain; charset=utf-8', 'ready\n') : send(res, 503, 'text/plain; charset=utf-8', 'no scan has finished yet\n');
      case '/report.json':
        return latest ? send(res, 200, 'application/json; charset=utf-8', latest.json) : send(res, 404, 'text/plain; charset=utf-8', 'no report yet\n');
      case '/report.md':
        return latest ? send(res, 200, 'text/markdown; charset=utf-8', latest.markdown) : send(res, 404, 'text/plain; charset=utf-8', 'no report yet\n');
      case '/report.html': {
        const page = latest && htmlOf(latest);
        return page ? send(res, 200, 'text/html; charset=utf-8', page) : send(res, 404, 'text/plain; charset=utf-8', 'no report yet\n');
      }
      case '/':
        return send(res, 200, 'text/plain; charset=utf-8', 'techops agent: /metrics /healthz /readyz /report.json /report.md /report.html\n');
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new UsageError(`--listen: cannot listen on ${o.host}:${o.port}: ${errorMessage(err)}`)));
    server.listen(o.port, o.host, resolve);
  });
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : '';
  o.log.info('serving', { url, schedule: o.schedule });
  o.onListening?.(url);

  const task = cron.schedule(o.schedule, () => scanNow('schedule'));
  scanNow('start');

  await new Promise<void>((resolve) => {
    if (o.shutdown.aborted) resolve();
    else o.shutdown.addEventListener('abort', () => resolve(), { once: true });
  });
  o.log.info('shutting down');
  await task.stop();
  await task.destroy?.();
  server.closeAllConnections?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (running) {
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      running.then(() => true),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), o.graceMs); }),
    ]);
    clearTimeout(timer);
    if (!finished) o.log.warn('the running scan was abandoned at shutdown; the store keeps the earlier runs', { grace_ms: o.graceMs });
    return !finished;
  }
  return false;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
