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
import { editedFixture, FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const TOKEN = 'cli-secret-token-4242';
let server: TestServer;
let values: Record<string, unknown> = {};
let annotations: Record<string, unknown> | undefined;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return json(res, 401, { message: 'Bad credentials' });
    if (req.url?.startsWith('/broken')) return json(res, 200, '{"signals": {"fixture.alerts.count": 3');
    json(res, 200, { signals: values, annotations });
  });
});
afterAll(() => server.close());

async function cli(argv: string[], deps: Partial<CliDeps> = {}) {
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
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toContain('| [1.1.2](#c-1.1.2) | Delivery | 5 | 5 |');
    expect(readFileSync(join(dir, 'out', 'report.txt'), 'utf8')).toMatch(/1\.1\.1\s*│\s*Alerting/);
    expect(r.stderr).toMatch(/"msg":"collected".*"status":"ok"/);
  });

  it('writes JUnit XML for CI: a case per criterion, not_met as a failure, unknown as skipped', async () => {
    values = { ...GOOD, 'fixture.alerts.count': 0 };
    const { dir, config } = workspace();
    expect((await cli(['scan', '-c', config, '-o', dir, '-f', 'junit,json', '-q'])).code).toBe(0);
    const xml = readFileSync(join(dir, 'report.junit.xml'), 'utf8');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const count = (re: RegExp) => (xml.match(re) ?? []).length;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(count(/<testcase /g)).toBe(report.criteria.length);
    expect(count(/<failure /g)).toBe(report.summary.criteria.not_met);
    expect(count(/<skipped /g)).toBe(report.summary.criteria.unknown);
    expect(count(/<testsuite /g)).toBe(report.capabilities.length);
    expect(report.summary.criteria.not_met).toBeGreaterThan(0);
    expect(xml).toMatch(/<testcase classname="techops\.1\.1\.1" name="1\.1\.1-1\.1 [^"]*">\n\s*<failure message="[^"<]*" type="not_met">/);
    // balanced: every element opened is closed, in order
    const stack: string[] = [];
    for (const [, close, name, self] of xml.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (close) expect(stack.pop()).toBe(name);
      else if (!self) stack.push(name);
    }
    expect(stack).toEqual([]);
  });

  it('attest template lists, commented out, every criterion still unknown for want of an attestation; a filled entry then decides it', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    await cli(['scan', '-c', config, '-o', dir, '-f', 'json', '-q']);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const waiting = report.criteria.filter((c: { status: string; missing?: string[] }) => c.status === 'unknown' && c.missing?.includes('attestation')).map((c: { id: string }) => c.id);
    expect(waiting.length).toBeGreaterThan(0);
    const t = await cli(['attest', 'template', '--report', join(dir, 'report.json'), '--rules', FIXTURE_RULES]);
    expect(t.code, t.stderr).toBe(0);
    const listed = [...t.stdout.matchAll(/^# {2}- criterion: (\S+)$/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...waiting].sort());
    // as written it decides nothing: every entry is a comment
    expect(t.stdout).toMatch(/^attestations: \[\]$/m);
    expect(t.stdout.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual(['attestations: []']);
    // a person fills one entry in: it loads and decides the criterion
    const id = listed[0];
    const block = t.stdout.split('\n').filter((l) => l.startsWith('#  ') || l.startsWith('#    ')).join('\n');
    const entry = block.slice(block.indexOf(`#  - criterion: ${id}`)).split('\n').slice(0, 6).map((l) => l.slice(1)).join('\n')
      .replace('statement: ""', 'statement: "done"').replace('evidence: ""', 'evidence: "https://wiki.example.invalid/x"').replace('by: ""', 'by: "A. Person, lead"');
    const att = join(dir, 'att.yaml');
    writeFileSync(att, `attestations:\n${entry}\n`);
    const r = await cli(['scan', '-c', config, '-o', join(dir, 'again'), '-f', 'json', '-q', '--attestations', att]);
    const again = JSON.parse(readFileSync(join(dir, 'again', 'report.json'), 'utf8'));
    expect(r.stderr).not.toContain('attestation not used');
    expect(again.criteria.find((c: { id: string }) => c.id === id).missing ?? []).not.toContain('attestation');
    // and it never overwrites a file
    const o = await cli(['attest', 'template', '--report', join(dir, 'report.json'), '--rules', FIXTURE_RULES, '-o', att]);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('does not overwrite attestations');
  });

  it('colours the table on a terminal, never with NO_COLOR, never in the file', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    const tty = await cli(['scan', '-c', config, '-o', dir, '-q'], { stdoutIsTTY: true });
    expect(tty.stdout).toContain('\u001b[');
    expect(readFileSync(join(dir, 'report.txt'), 'utf8')).not.toContain('\u001b[');
    const plain = await cli(['scan', '-c', config, '-o', dir, '-q'], { stdoutIsTTY: true, env: { CLI_TOKEN: TOKEN, NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
    // without colour codes the two are the same table
    expect(tty.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
    const piped = await cli(['scan', '-c', config, '-o', dir, '-q'], { stdoutIsTTY: false });
    expect(piped.stdout).not.toContain('\u001b[');
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
    // every unknown says what it lacks: here data everywhere a check reads it, an attestation where only one is asked
    expect(c.missing).toEqual(['data']);
    const s = report.summary.criteria;
    expect(s.unknown_no_data + s.unknown_attestation_missing).toBe(s.unknown);
    expect(s.unknown_no_data).toBe(report.criteria.filter((x: { missing?: string[] }) => x.missing?.includes('data')).length);
    expect(report.criteria.filter((x: { status: string }) => x.status === 'unknown').every((x: { missing?: string[] }) => (x.missing ?? []).length > 0)).toBe(true);
    const attestOnly = report.criteria.find((x: { check?: string; status: string }) => !x.check && x.status === 'unknown');
    if (attestOnly) expect(attestOnly.missing).toEqual(['attestation']);
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

  it('scans with an attestation for a criterion the rules lack, lists it as ignored and warns', async () => {
    values = GOOD;
    const { dir, config } = workspace();
    writeFileSync(join(dir, 'att.yaml'), `attestations:
  - { criterion: 9.9.9-1.1, statement: Renumbered since, evidence: https://wiki.example/old, by: J. Doe, date: 2026-11-01 }
`);
    const r = await cli(['scan', '-c', config, '-o', dir, '--attestations', join(dir, 'att.yaml'), '-f', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).attestations.ignored).toEqual([{ criterion: '9.9.9-1.1', reason: 'no criterion 9.9.9-1.1 in the rules', reason_zh: '规则中没有要求 9.9.9-1.1' }]);
    expect(r.stderr).toContain('attestation not used: attestations[0] (9.9.9-1.1, by J. Doe): no criterion 9.9.9-1.1 in the rules; it is not used');
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
    const bin = join(packageRoot(), 'dist', 'bin', 'techops.js');
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

  it('validate warns, without failing, about expired attestations and ones that decide nothing', async () => {
    const { dir, config } = workspace('attestations: att.yaml\nattestation_validity: 180d\n');
    const entry = (criterion: string, date: string, expires?: string) =>
      `  - { criterion: ${criterion}, statement: s, evidence: e, by: A. Auditor, date: ${date}${expires ? `, expires: ${expires}` : ''} }\n`;
    writeFileSync(join(dir, 'att.yaml'), 'attestations:\n' +
      entry('1.1.1-2.2', '2026-10-01') + // valid
      entry('1.1.1-5.1', '2026-03-01', '2027-03-01') + // capped at 180 days: expired 2026-08-28
      entry('1.1.1-1.1', '2026-10-01') + // check only: not used
      entry('9.9.9-1.1', '2026-10-01')); // no such criterion
    const r = await cli(['validate', '-c', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/4 attestations \(3 not used, see the warnings\)/);
    expect(r.stderr.trim().split('\n')).toEqual([
      'techops: warning: attestations[1] (1.1.1-5.1, by A. Auditor): expired on 2026-08-28 (the longest an attestation holds after its date 2026-03-01; it says it expires on 2027-03-01)',
      'techops: warning: attestations[2] (1.1.1-1.1, by A. Auditor): 1.1.1-1.1 has no attest part (it is decided by measurement alone); it is not used',
      'techops: warning: attestations[3] (9.9.9-1.1, by A. Auditor): no criterion 9.9.9-1.1 in the rules; it is not used',
    ]);
  });
});

describe('catalogue commands', () => {
  it('model counts the shipped standard', async () => {
    const r = await cli(['model', '--json'], { registry: collectors });
    expect(JSON.parse(r.stdout)).toMatchObject({ items: 35, criteria: 408 });
    const text = await cli(['model'], { registry: collectors });
    expect(text.stdout).toMatch(/35 capability items, 408 criteria/);
    // the shipped figures move as rules gain checks; they must stay consistent and cover all 290
    const cov = JSON.parse(r.stdout).coverage_l1_3;
    expect(cov.criteria).toBe(290);
    expect(cov.with_measured_part + cov.attest_only).toBe(290);
    expect(cov.measured_only + cov.measured_required + cov.measured_supporting + cov.measured_sufficient).toBe(cov.with_measured_part);
    expect(cov.data_can_decide).toBe(cov.measured_only + cov.measured_sufficient);
    expect(text.stdout).toContain(`Levels 1–3: 290 criteria`);
  });

  it('model gives the coverage of levels 1–3: by measurement alone, with a measured part (required, supporting), attest only', async () => {
    const supporting = editedFixture((t) => t.replace('      attest: "Grouping reviewed by the on-call lead"\n', '      attest: "Grouping reviewed by the on-call lead"\n      measured: supporting\n'));
    const plain = JSON.parse((await cli(['model', '--json', '--rules', FIXTURE_RULES])).stdout).coverage_l1_3;
    // fixture levels 1–3: five checks alone, 1.1.1-3.1 check and attest, 1.1.1-2.2 attest only
    expect(plain).toEqual({
      criteria: 7, measured_only: 5, with_measured_part: 6, measured_required: 1, measured_supporting: 0, measured_sufficient: 0, data_can_decide: 5, attest_only: 1,
      percent: { measured_only: 71.4, with_measured_part: 85.7, measured_required: 14.3, measured_supporting: 0, measured_sufficient: 0, data_can_decide: 71.4, attest_only: 14.3 },
    });
    const r = await cli(['model', '--rules', supporting]);
    expect(r.stdout).toMatch(/Levels 1–3: 7 criteria\n {2}decided by measurement alone \(check, no attest\): +5 \(71\.4 %\)\n {2}with a measured part \(check, with or without attest\): 6 \(85\.7 %\)\n.*required: +0 \(0\.0 %\)\n.*supporting: +1 \(14\.3 %\)\n.*sufficient: +0 \(0\.0 %\)\n {2}data can decide alone.*: 5 \(71\.4 %\)\n {2}attest only: +1 \(14\.3 %\)/);
  });

  it('signals lists the registered collectors', async () => {
    const r = await cli(['signals', '--json']);
    expect(JSON.parse(r.stdout).collectors[0].signals.map((s: { id: string }) => s.id)).toContain('fixture.alerts.count');
  });

  it('signals lists the cross signals the core joins from published records, with the kinds they need', async () => {
    const json = JSON.parse((await cli(['signals', '--json'])).stdout);
    expect(json.cross).toContainEqual(expect.objectContaining({ id: 'change_failure.incidents.ratio', type: 'ratio', needs: ['deployments', 'incidents'] }));
    const text = (await cli(['signals'])).stdout;
    expect(text).toMatch(/^cross: measured by the core from records collectors publish/m);
    expect(text).toMatch(/^ {2}change_failure\.incidents\.ratio {2}ratio \(ratio\) {2}\[max\] {2}Share of production deployments .* ← published deployments \+ incidents$/m);
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
    expect(r.stdout).toContain('why:    Any alerting rule shows threshold alerting exists; the standard asks for no number.');
    expect(r.stdout).toMatch(/1\.1\.1-3\.1[\s\S]*measured: required \(the check and the attestation must both hold/);
    // Not the default report (techops-out/report.json in the current folder, which any earlier
    // run may have left there, of any vintage): a report that is not there, in this test's folder.
    const none = join(dir, 'no-report.json');
    const one = await cli(['explain', '5.3.1-2.4', '--report', none], { registry: collectors });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('针对标准告警信息，关联提供标准运维操作的提示性建议');
    expect((await cli(['explain', '9.9.9', '--report', none], { registry: collectors })).code).toBe(1);
    // Loading the whole standard twice takes about 2 s alone; the deadline only bounds a hang.
  }, 180_000);

  it('explain, the JSON and the Markdown report name the objects behind a value and the collector\'s notes', async () => {
    values = GOOD;
    annotations = {
      'fixture.alerts.count': {
        objects: { total: 12, sample: ['HighErrorRate', 'DiskFull', `Leaky ${TOKEN}`] },
        notes: ['rests only on rules shipped by a well-known default rule set (kube-prometheus)'],
      },
    };
    try {
      const { dir, config } = workspace();
      await cli(['scan', '-c', config, '-o', dir, '-q']);
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
      const crit = report.criteria.find((c: { id: string }) => c.id === '1.1.1-1.1');
      expect(crit.why).toBe('Any alerting rule shows threshold alerting exists; the standard asks for no number.');
      expect(crit.signals[0]).toMatchObject({
        objects: { total: 12, sample: ['HighErrorRate', 'DiskFull', 'Leaky <redacted>'] },
        notes: ['rests only on rules shipped by a well-known default rule set (kube-prometheus)'],
      });
      expect(report.signals.find((s: { id: string }) => s.id === 'fixture.alerts.count').objects.total).toBe(12);
      expect(report.signals.find((s: { id: string }) => s.id === 'fixture.channels.count').objects).toBeUndefined();
      const r = await cli(['explain', '1.1.1-1.1', '--rules', FIXTURE_RULES, '--report', join(dir, 'report.json')]);
      expect(r.stdout).toContain('        behind it: 12: HighErrorRate, DiskFull, Leaky <redacted>, … (first 3 of 12)');
      expect(r.stdout).toContain('        note: rests only on rules shipped by a well-known default rule set (kube-prometheus)');
      const md = readFileSync(join(dir, 'report.md'), 'utf8');
      const block = md.slice(md.indexOf('**✅ 1.1.1-1.1**'), md.indexOf('1.1.1-1.2**'));
      expect(block).toContain('- **Objects:** `fixture.alerts.count` 12: HighErrorRate, DiskFull, Leaky &lt;redacted>, … (first 3 of 12)');
      expect(block).toContain('- **Collector notes:** `fixture.alerts.count` rests only on rules shipped by a well-known default rule set (kube-prometheus)');
      expect(block).toContain('- **Why:** Any alerting rule shows threshold alerting exists');
      // shown as text by a Markdown renderer, not swallowed as an HTML tag
      expect(md).not.toContain('Leaky <redacted>');
      expect(md).not.toContain(TOKEN);
    } finally {
      annotations = undefined;
    }
  });

  it('config schema prints a JSON Schema including the collectors', async () => {
    const r = await cli(['config', 'schema']);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.collectors.properties.fixture.items.properties.url).toBeTruthy();
    expect(schema.required).toContain('assessment');
  });

  it('runs from a shell as `techops` after install', () => {
    // run the bin itself (shebang and executable bit), as npx does
    const out = execFileSync(join(packageRoot(), 'dist', 'bin', 'techops.js'), ['--version'], { encoding: 'utf8' });
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
