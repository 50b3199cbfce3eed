import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { main, type CliDeps } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';
import { packageRoot } from '../src/package-info.js';
import { reportJsonSchema } from '../src/report/schema.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const TOKEN = 'cli-secret-token-4242';
let server: TestServer;
let values: Record<string, unknown> = {};

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { message: 'Bad credentials' });
    if (req.url?.startsWith('/broken')) return json(res, 200, '{"signals": {"fixture.alerts.count": 3');
    json(res, 200, { signals: values });
  });
});
afterAll(() => server.close());

async function cli(argv: string[], deps: CliDeps = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    registry: [fixtureCollector],
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stderrIsTTY: false,
    clock: fixedClock('2026-11-25T10:00:00Z'),
    env: { CLI_TOKEN: TOKEN },
    ...deps,
  });
  return { code, stdout, stderr };
}

function workspace(extra = ''): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'techops-cli-'));
  const config = join(dir, 'techops.yaml');
  writeFileSync(
    config,
    `assessment: { name: CLI test estate }
window: 30d
rules: ${FIXTURE_RULES}
collectors:
  fixture:
    - name: main
      url: ${server.url}/signals.json
      token: \${CLI_TOKEN}
${extra}`,
  );
  return { dir, config };
}

const GOOD = {
  'fixture.alerts.count': 12, 'fixture.channels.count': 3, 'fixture.severity.ratio': 0.95,
  'fixture.grouping.enabled': true, 'fixture.deploys.count': 40, 'fixture.deploys.success_ratio': 0.97,
};

describe('techops scan', () => {
  it('writes a JSON report that validates against the shipped schema, with evidence behind the signals', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    const r = await cli(['scan', '--config', config, '--out', join(dir, 'out'), '--format', 'json,md,table']);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(report);

    const shipped = JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'report.schema.json'), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(reportJsonSchema())));
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(shipped);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);

    // 1.1.2 adds nothing above level 2 (无), so meeting levels 1 and 2 reaches 5.
    expect(report.capabilities.find((c: { id: string }) => c.id === '1.1.2')).toMatchObject({ level: 5, ceiling: 5 });
    expect(report.capabilities.find((c: { id: string }) => c.id === '1.1.1')).toMatchObject({ level: 1, ceiling: 5 });
    const signal = report.signals.find((s: { id: string }) => s.id === 'fixture.alerts.count');
    expect(signal).toMatchObject({ status: 'observed', value: 12 });
    const ev = report.evidence.find((e: { id: string }) => e.id === signal.evidence[0]);
    expect(ev).toMatchObject({ collector: 'fixture', instance: 'main', method: 'GET', url: `${server.url}/signals.json`, status: 200 });
    expect(ev.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.run).toMatchObject({ assessment: { name: 'CLI test estate' }, started_at: '2026-11-25T10:00:00.000Z', window: { seconds: 2592000 } });
    expect(report.run.rules_digest).toMatch(/^sha256:/);
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toContain('| 1.1.2 | Delivery | 5 | 5 |');
    expect(readFileSync(join(dir, 'out', 'report.txt'), 'utf8')).toMatch(/1\.1\.1\s*│\s*Alerting/);
    expect(r.stderr).toMatch(/"msg":"collected".*"status":"ok"/);
  });

  it('never writes the token into reports or logs', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    const r = await cli(['scan', '-c', config, '-o', dir, '-q']);
    for (const name of ['report.json', 'report.md', 'report.txt']) expect(readFileSync(join(dir, name), 'utf8')).not.toContain(TOKEN);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('finishes with unknown criteria and the reason when the collector gets bad credentials', async () => {
    const { dir, config } = workspace();
    const r = await cli(['scan', '-c', config, '-o', dir, '-f', 'json'], { env: { CLI_TOKEN: 'wrong-token-0000' } });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.collectors[0]).toMatchObject({ status: 'failed', error_kind: 'credentials' });
    expect(report.summary.criteria.met).toBe(0);
    const c = report.criteria.find((x: { id: string }) => x.id === '1.1.1-1.1');
    expect(c.status).toBe('unknown');
    expect(c.reasons[0]).toMatch(/credentials rejected \(HTTP 401\) by GET http:\/\/127\.0\.0\.1:\d+\/signals\.json/);
    expect(r.stdout + r.stderr).not.toContain('wrong-token-0000');
  });

  it('finishes with unknown criteria when the response is truncated', async () => {
    const { dir, config } = workspace();
    writeFileSync(config, readFileSync(config, 'utf8').replace('/signals.json', '/broken.json'));
    const r = await cli(['scan', '-c', config, '-o', dir, '-f', 'json', '-q']);
    const report = JSON.parse(r.stdout);
    expect(report.collectors[0]).toMatchObject({ status: 'failed', error_kind: 'malformed' });
    expect(report.criteria.every((c: { status: string }) => c.status !== 'met')).toBe(true);
  });

  it('exits 3 when a claim is contradicted, and 0 when it is confirmed', async () => {
    values = { ...GOOD, 'fixture.deploys.success_ratio': 0.5 };
    const { dir, config } = workspace();
    writeFileSync(join(dir, 'claims.yaml'), 'claims:\n  "1.1.2": 2\n');
    const bad = await cli(['scan', '-c', config, '-o', dir, '--claims', join(dir, 'claims.yaml'), '-q']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/policy: claim 1\.1\.2 level 2 contradicted \(ceiling 1\)/);
    values = GOOD;
    const good = await cli(['scan', '-c', config, '-o', dir, '--claims', join(dir, 'claims.yaml'), '-q']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/1\.1\.2 Claimed 2 → confirmed/);
  });

  it('exits 3 under --fail-below, and uses attestations to lift attest criteria', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    expect((await cli(['scan', '-c', config, '-o', dir, '--fail-below', '2', '-q'])).code).toBe(3);
    writeFileSync(
      join(dir, 'att.yaml'),
      `attestations:
  - { criterion: 1.1.1-2.2, statement: Escalation policy in force, evidence: https://wiki.example/esc, by: J. Doe, date: 2026-11-01 }
  - { criterion: 1.1.1-3.1, statement: Grouping reviewed, evidence: https://wiki.example/grp, by: J. Doe, date: 2026-11-01 }
  - { criterion: 1.1.1-5.1, statement: ML tuning, evidence: https://wiki.example/ml, by: J. Doe, date: 2026-11-01 }
`,
    );
    const r = await cli(['scan', '-c', config, '-o', dir, '--attestations', join(dir, 'att.yaml'), '--fail-below', '2', '-f', 'json', '-q']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).capabilities.map((c: { level: number }) => c.level)).toEqual([5, 5]);
  });

  it('prints Chinese with --lang zh', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    const r = await cli(['scan', '-c', config, '-o', dir, '--lang', 'zh', '-q']);
    expect(r.stdout).toContain('告警');
    expect(r.stdout).toContain('能力项');
  });

  it('lists overridden parameters in the report', async () => {
    values = GOOD;
    const { dir, config } = workspace('parameters:\n  "1.1.1": { severity_ratio_min: 0.99 }\n');
    const report = JSON.parse((await cli(['scan', '-c', config, '-o', dir, '-f', 'json', '-q'])).stdout);
    expect(report.parameters.overridden).toEqual([{ capability: '1.1.1', name: 'severity_ratio_min', default: 0.9, value: 0.99, source: 'heuristic' }]);
    expect(report.criteria.find((c: { id: string }) => c.id === '1.1.1-2.1').status).toBe('not_met');
  });
});

describe('usage and errors', () => {
  it('exits 2 on usage errors', async () => {
    expect((await cli(['scan'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    const { config } = workspace();
    const r = await cli(['scan', '-c', config, '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format: unknown format pdf/);
    expect((await cli(['scan', '-c', config, '--fail-below', '7'])).code).toBe(2);
  });

  it('exits 1 with one clear line and no stack trace for a broken config (the built binary)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'techops-bin-'));
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'assessment: { name: x }\nwindow: soon\ncollectors:\n  nagios: [{ name: a }]\n');
    const bin = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [bin, 'scan', '--config', config], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`techops: invalid config ${config}:`);
    expect(r.stderr).toMatch(/window: expected a duration/);
    expect(r.stderr).toMatch(/collectors\.nagios: unknown collector 'nagios'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate reports what it checked', async () => {
    const { config } = workspace();
    const r = await cli(['validate', '-c', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is valid: 1 collector instances, 0 parameter overrides/);
  });
});

describe('catalogue commands', () => {
  it('model counts the shipped standard', async () => {
    const r = await cli(['model', '--json'], { registry: collectors });
    expect(JSON.parse(r.stdout)).toMatchObject({ items: 35, criteria: 408 });
    const text = await cli(['model'], { registry: collectors });
    expect(text.stdout).toMatch(/35 capability items, 408 criteria/);
  });

  it('signals lists the registered collectors', async () => {
    const r = await cli(['signals', '--json']);
    expect(JSON.parse(r.stdout).collectors[0].signals.map((s: { id: string }) => s.id)).toContain('fixture.alerts.count');
  });

  it('explain shows the rules of an item and the verdicts of the last report', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    await cli(['scan', '-c', config, '-o', dir, '-q']);
    const r = await cli(['explain', '1.1.1', '--rules', FIXTURE_RULES, '--report', join(dir, 'report.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\.1\.1-1\.1 {2}\[met, measured\]/);
    expect(r.stdout).toMatch(/check: {2}fixture\.alerts\.count >= 1/);
    expect(r.stdout).toMatch(/fixture\.alerts\.count = 12 {2}evidence: ev-/);
    // Not the default report (techops-out/report.json in the current folder, which any earlier
    // run may have left there, of any vintage): a report that is not there, in this test's folder.
    const none = join(dir, 'no-report.json');
    const one = await cli(['explain', '5.3.1-2.4', '--report', none], { registry: collectors });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('针对标准告警信息，关联提供标准运维操作的提示性建议');
    expect((await cli(['explain', '9.9.9', '--report', none], { registry: collectors })).code).toBe(1);
    // Loading the whole standard twice takes about 2 s alone; the deadline only bounds a hang.
  }, 180_000);

  it('config schema prints a JSON Schema including the collectors', async () => {
    const r = await cli(['config', 'schema']);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.collectors.properties.fixture.items.properties.url).toBeTruthy();
    expect(schema.required).toContain('assessment');
  });

  it('runs from a shell as `techops` after install', () => {
    // run the bin itself (shebang and executable bit), as npx does
    const out = execFileSync(join(packageRoot(), 'dist', 'src', 'cli', 'main.js'), ['--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
