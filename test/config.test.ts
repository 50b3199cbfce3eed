import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { loadConfig } from '../src/config/load.js';
import { packageRoot } from '../src/package-info.js';
import { Redactor } from '../src/redact.js';
import { fixtureCollector } from './helpers/fixture-collector.js';

const registry = [fixtureCollector];

function write(text: string, name = 'techops.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'techops-config-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const VALID = `
assessment: { name: Acme production, scope: all production services }
window: 7d
collectors:
  fixture:
    - name: main
      url: http://127.0.0.1:9/signals.json
      token: \${FIXTURE_TOKEN}
      http: { timeout: 5s, retries: 1, request_budget: 50 }
parameters:
  "5.3.1": { severity_ratio_min: 0.8 }
attestations: attestations.yaml
limits: { concurrency: 2, collector_deadline: 30s }
`;

describe('config', () => {
  it('reads a valid config, interpolating ${ENV} and resolving paths beside the file', () => {
    const file = write(VALID);
    const cfg = loadConfig(file, registry, { env: { FIXTURE_TOKEN: 'tok-secret-value' } });
    expect(cfg.assessment).toEqual({ name: 'Acme production', scope: 'all production services' });
    expect(cfg.windowSeconds).toBe(7 * 86400);
    expect(cfg.instances).toEqual([
      { collector: 'fixture', name: 'main', config: { url: 'http://127.0.0.1:9/signals.json', token: 'tok-secret-value' }, baseDir: join(file, '..'), http: { timeoutMs: 5000, retries: 1, budget: 50, maxBodyBytes: 64 * 1024 * 1024, maxRetryAfterMs: 60_000, maxConcurrency: 10, cacheDir: join(file, '..', '.techops-cache', 'http') } },
    ]);
    expect(cfg.attestationsFile).toBe(join(file, '..', 'attestations.yaml'));
    expect(cfg.limits).toEqual({ concurrency: 2, collectorDeadlineMs: 30000, scanDeadlineMs: 600000 });
    expect(cfg.parameters).toEqual({ '5.3.1': { severity_ratio_min: 0.8 } });
  });

  it('reads ${file:PATH} secrets and keeps every secret out of the digest and the redacted copy', () => {
    const file = write(VALID.replace('${FIXTURE_TOKEN}', '${file:token.txt}'));
    writeFileSync(join(file, '..', 'token.txt'), 'file-secret-123\n');
    const redactor = new Redactor();
    const cfg = loadConfig(file, registry, { env: {}, redactor });
    expect((cfg.instances[0].config as { token: string }).token).toBe('file-secret-123');
    expect(JSON.stringify(cfg.redacted)).not.toContain('file-secret-123');
    expect(redactor.text('header: file-secret-123')).toBe('header: <redacted>');
    const again = loadConfig(file, registry, { env: {} });
    expect(again.digest).toBe(cfg.digest);
    writeFileSync(join(file, '..', 'token.txt'), 'another-secret');
    expect(loadConfig(file, registry, { env: {} }).digest).toBe(cfg.digest);
  });

  it('names the file, the path inside it and what was expected', () => {
    const file = write(VALID.replace('url: http://127.0.0.1:9/signals.json', 'url: not a url').replace('window: 7d', 'window: a week'));
    let message = '';
    try {
      loadConfig(file, registry, { env: { FIXTURE_TOKEN: 'x' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`invalid config ${file}`);
    expect(message).toMatch(/window: expected a duration like 90s, 5m, 12h or 30d, got 'a week'/);
  });

  it('validates each collector instance against the collector schema, with its path', () => {
    const file = write(VALID.replace('url: http://127.0.0.1:9/signals.json', 'url: not a url\n      colour: blue'));
    expect(() => loadConfig(file, registry, { env: { FIXTURE_TOKEN: 'x' } })).toThrow(/collectors\.fixture\[0\]\.url: [\s\S]*collectors\.fixture\[0\]: Unrecognized key: "colour"/);
  });

  it('rejects an unknown collector, a duplicate instance name and an unset variable, all at once', () => {
    const file = write(`${VALID}\n`.replace('collectors:\n', 'collectors:\n  nagios: [{ name: a }]\n').replace('      http:', '      http:').concat(''));
    const dup = write(VALID.replace('    - name: main\n', '    - name: main\n      url: http://127.0.0.1:9/a\n    - name: main\n'));
    expect(() => loadConfig(file, registry, { env: { FIXTURE_TOKEN: 'x' } })).toThrow(/collectors\.nagios: unknown collector 'nagios' \(known: fixture\)/);
    expect(() => loadConfig(dup, registry, { env: { FIXTURE_TOKEN: 'x' } })).toThrow(/duplicate instance name 'main'/);
    expect(() => loadConfig(write(VALID), registry, { env: {} })).toThrow(/collectors\.fixture\[0\]\.token: environment variable FIXTURE_TOKEN \(named by \$\{FIXTURE_TOKEN\}\) is not set/);
  });

  it('says where YAML is broken, and when the file is missing', () => {
    expect(() => loadConfig(write('assessment: [unclosed'), registry)).toThrow(/is not valid YAML \(line 1/);
    expect(() => loadConfig('/nonexistent/techops.yaml', registry)).toThrow(/cannot read config file \/nonexistent\/techops\.yaml: no such file/);
  });

  it('never puts a secret into an error message', () => {
    const file = write(VALID.replace('url: http://127.0.0.1:9/signals.json', 'url: \${FIXTURE_TOKEN}'));
    let message = '';
    try {
      loadConfig(file, registry, { env: { FIXTURE_TOKEN: 'leaky-secret-999' } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/collectors\.fixture\[0\]\.url/);
    expect(message).not.toContain('leaky-secret-999');
  });
});

describe('config.example.yaml', () => {
  const example = readFileSync(join(packageRoot(), 'config.example.yaml'), 'utf8');

  it('is valid as shipped, with its attestations and claims examples', () => {
    const cfg = loadConfig(join(packageRoot(), 'config.example.yaml'), collectors, { env: {} });
    expect(cfg.instances).toEqual([]);
    expect(cfg.attestationsFile).toMatch(/attestations\.example\.yaml$/);
  });

  it('is valid with every collector example uncommented, and holds no secret', () => {
    const lines = example.split('\n');
    const start = lines.indexOf('collectors: {}');
    const end = lines.findIndex((l, i) => i > start && /^\S/.test(l) && !l.startsWith('#'));
    const uncommented = [...lines.slice(0, start), 'collectors:', ...lines.slice(start + 1, end).filter((l) => l.startsWith('#  ')).map((l) => l.slice(1)), ...lines.slice(end)].join('\n');
    // validate checks that the kubeconfig named exists: this machine has none at ~/.kube/config
    const file = write(uncommented.replace('kubeconfig: ~/.kube/config', 'kubeconfig: kubeconfig.yaml'));
    writeFileSync(join(file, '..', 'kubeconfig.yaml'), 'apiVersion: v1\nkind: Config\n');
    writeFileSync(join(file, '..', 'attestations.example.yaml'), readFileSync(join(packageRoot(), 'attestations.example.yaml')));
    writeFileSync(join(file, '..', 'claims.example.yaml'), readFileSync(join(packageRoot(), 'claims.example.yaml')));
    const cfg = loadConfig(file, collectors, { env: { GITLAB_TOKEN: 'x'.repeat(20), GITHUB_TOKEN: 'y'.repeat(20), PAGERDUTY_TOKEN: 'z'.repeat(20), OPSGENIE_API_KEY: 'w'.repeat(36), BACKSTAGE_TOKEN: 'v'.repeat(24) } });
    expect(cfg.instances.map((i) => i.collector).sort()).toEqual(['alertmanager', 'backstage', 'git', 'github', 'gitlab', 'incident_file', 'kubernetes', 'opencost', 'opsgenie', 'pagerduty', 'prometheus']);
    // every literal value under a secret-looking key is a reference, never a secret
    expect(example).not.toMatch(/^\s*#?\s*(token|password|bearer_token|api_key):\s*(?!\$\{)\S/m);
  });
});
