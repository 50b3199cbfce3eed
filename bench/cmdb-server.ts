// A NetBox of N configuration items on loopback, in its own process so the scan's memory is measured alone.
import { serveLoopback } from '../demo/http.js';
import { generateCluster } from '../demo/systems/kubernetes.js';
import { generateNetbox, netboxHandler } from '../demo/systems/netbox.js';

const items = Number(process.argv[2] ?? '50000');
const token = process.argv[3] ?? 'bench-netbox-token';
const now = new Date();
const cluster = generateCluster(1, now);
const base = generateNetbox(cluster, now);
const extra = Math.max(0, items - base.devices.length - base.virtualMachines.length);
const data = generateNetbox(cluster, now, { extraDevices: extra });
const server = await serveLoopback(netboxHandler(data, token));
process.stdout.write(JSON.stringify({ url: server.url, items: data.devices.length + data.virtualMachines.length }) + '\n');
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ requests: server.requests }) + '\n'));
