import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorRun } from '../src/collector/harness.js';
import { main } from '../src/cli/main.js';
import { progressLine, showProgress, type ProgressContext } from '../src/cli/progress.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const TERMINAL: ProgressContext = { stderrIsTTY: true, quiet: false, logFormat: 'auto', logLevel: 'info', env: { TERM: 'xterm-256color' } };

describe('whether a scan shows a progress line per collector', () => {
  it.each([
    ['a terminal, text logs', {}, true],
    ['a terminal at debug level', { logLevel: 'debug' }, true],
    ['--log-format text on a terminal', { logFormat: 'text' }, true],
    ['CI=false on a terminal', { env: { CI: 'false' } }, true],
    ['stderr piped or a file', { stderrIsTTY: false }, false],
    ['--quiet', { quiet: true }, false],
    ['JSON logs', { logFormat: 'json' }, false],
    ['--log-level warn', { logLevel: 'warn' }, false],
    ['a CI runner that fakes a terminal', { env: { CI: 'true' } }, false],
    ['GitLab CI', { env: { CI: '1', GITLAB_CI: 'true' } }, false],
    ['TERM=dumb', { env: { TERM: 'dumb' } }, false],
  ] as [string, Partial<ProgressContext>, boolean][])('%s: %s', (_name, change, expected) => {
    expect(showProgress({ ...TERMINAL, ...change })).toBe(expected);
  });
});

const run = (extra: Partial<CollectorRun> = {}): CollectorRun => ({
  collector: 'prometheus', instance: 'main', status: 'ok', started_at: '2026-11-25T10:00:00.000Z', duration_ms: 1250,
  requests: 12, requests_failed: 0, signals_declared: 45, signals_observed: 42, signals_not_available: 3, signals_failed: 0, ...extra,
});

describe('the progress line', () => {
  it('colours the mark only when asked (a terminal without NO_COLOR)', () => {
    const end = { phase: 'end' as const, collector: 'prometheus', instance: 'main', run: run({ status: 'failed', error: 'boom' }) };
    expect(progressLine(end, 'en', true)).toBe(`\u001b[31m✗\u001b[39m prometheus/main 42/45 signals, 12 requests, 1s — boom\n`);
    expect(progressLine(end, 'en', false)).toMatch(/^✗ /);
  });

  it('says when a collector starts and, when it is done, its signals, failures and duration', () => {
    expect(progressLine({ phase: 'start', collector: 'prometheus', instance: 'main' }, 'en')).toBe('→ prometheus/main collecting…\n');
    expect(progressLine({ phase: 'end', collector: 'prometheus', instance: 'main', run: run() }, 'en')).toBe('✓ prometheus/main 42/45 signals, 12 requests, 1s\n');
    expect(progressLine({ phase: 'end', collector: 'prometheus', instance: 'main', run: run({ status: 'partial', signals_failed: 2, requests_failed: 1, status_reason: '1 of 12 requests failed: 503 from /api/v1/rules\nsecond line' }) }, 'en'))
      .toBe('! prometheus/main 42/45 signals, 2 failed, 12 requests (1 failed), 1s — 1 of 12 requests failed: 503 from /api/v1/rules\n');
    expect(progressLine({ phase: 'end', collector: 'github', instance: 'org', run: run({ collector: 'github', instance: 'org', status: 'failed', signals_observed: 0, duration_ms: 80, error: 'credentials rejected (401)' }) }, 'zh'))
      .toBe('✗ github/org 0/45 个信号, 12 次请求, 80ms — credentials rejected (401)\n');
  });
});

describe('techops scan: progress on a terminal, logs elsewhere', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => json(res, 200, { signals: { 'fixture.alerts.count': 3, 'fixture.channels.count': 2 } }));
  });
  afterAll(() => server.close());

  async function scan(stderrIsTTY: boolean, env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
    const dir = mkdtempSync(join(tmpdir(), 'techops-progress-'));
    const config = join(dir, 'techops.yaml');
    writeFileSync(config, `assessment: { name: Progress }\nwindow: 30d\nrules: ${FIXTURE_RULES}\ncollectors:\n  fixture:\n    - name: main\n      url: ${server.url}/signals.json\n`);
    let stderr = '';
    const code = await main([...extra, 'scan', '-c', config, '-o', join(dir, 'out'), '--no-store'], {
      registry: [fixtureCollector], stdout: () => {}, stderr: (s) => void (stderr += s), stderrIsTTY, stdoutIsTTY: false, env,
    });
    return { code, stderr };
  }

  it('a terminal gets a line per collector start and end instead of the collecting/collected log lines', async () => {
    const r = await scan(true, { TERM: 'xterm', NO_COLOR: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('→ fixture/main collecting…\n');
    expect(r.stderr).toMatch(/^! fixture\/main 2\/6 signals, 4 failed, 1 requests, \d+m?s — /m);
    expect(r.stderr).not.toMatch(/^collect(ing|ed) /m);
  });

  it('piped stderr, CI and --quiet get no progress line', async () => {
    const piped = await scan(false);
    expect(piped.stderr).not.toContain('→');
    expect(piped.stderr).toMatch(/"msg":"collected"/);
    const ci = await scan(true, { CI: 'true', TERM: 'xterm' });
    expect(ci.stderr).not.toContain('→');
    expect(ci.stderr).toMatch(/^collected collector=fixture/m);
    expect((await scan(true, { TERM: 'xterm' }, ['--log-format', 'json'])).stderr).not.toContain('→');
  });
});
