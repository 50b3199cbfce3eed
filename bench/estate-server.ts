// The sample estate at benchmark scale, in its own process so the scan's memory is measured alone.
import { startEstate } from '../demo/index.js';

const factor = Number(process.argv[2] ?? '50');
// GitHub scans cost one request per repository and deployment: a fifth of the scale keeps the
// benchmark in minutes while still reaching hundreds of repositories and thousands of deployments.
const githubFactor = Math.max(1, Math.ceil(factor / 5));
// The incident tool at the size of a large organisation's quarter: 10,000 incidents over 90 days.
const running = await startEstate({ factor, githubFactor, incidents: 10_000 });
process.stdout.write(JSON.stringify({ ...Object.fromEntries(Object.entries(running.systems).map(([k, s]) => [k, s.url])), githubLogin: running.github.login }) + '\n');
process.on('SIGTERM', () => {
  void running.stop().then(() => process.exit(0));
});
// Report the requests served when asked, so the benchmark can compare with what the scan counted.
process.stdin.on('data', () => process.stdout.write(JSON.stringify({ requests: running.requests() }) + '\n'));
