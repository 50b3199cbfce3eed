// The sample estate's Prometheus, except that /api/v1/rules answers with a body of the given size
// (default 1 GiB), streamed in 1 MiB chunks with back-pressure: the server never holds it.
import { generateEstate } from '../demo/estate.js';
import { serveLoopback } from '../demo/http.js';
import { prometheusHandler } from '../demo/systems/prometheus.js';

const bytes = Number(process.argv[2] ?? String(1024 ** 3));
const healthy = prometheusHandler(generateEstate({ factor: 1 }));
let sent = 0;
const server = await serveLoopback((req, res) => {
  if (!req.url?.startsWith('/api/v1/rules')) return healthy(req, res);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  let left = bytes;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const pump = () => {
    while (left > 0 && !closed) {
      left -= chunk.length;
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!closed) res.end();
  };
  pump();
});
process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ sent }) + '\n'));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
