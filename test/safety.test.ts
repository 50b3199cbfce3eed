/**
 * Issue 8, one describe per numbered defect: each test fails on cecdc52 and passes now.
 * (The fault suite in test/faults/ covers the same ground collector by collector.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { collectors } from '../collectors/index.js';
import { writeDemoFiles, type RunningEstate } from '../demo/index.js';
import { configJsonSchema } from '../src/cli/config-schema.js';
import { main } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config/load.js';
import { EvidenceLog } from '../src/evidence/types.js';
import { createHttpClient, type HttpClientOptions } from '../src/http/client.js';
import { HTTP_DEFAULTS } from '../src/http/defaults.js';
import { CollectError } from '../src/http/errors.js';
import { createRecordingFetch } from '../src/http/recording-fetch.js';
import { packageRoot } from '../src/package-info.js';
import { Redactor } from '../src/redact.js';
import { FIXTURE_RULES } from './helpers/engine.js';
import { fixtureCollector } from './helpers/fixture-collector.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const any = z.unknown();

function client(baseURL: string, extra: Partial<HttpClientOptions> = {}) {
  const evidence = new EvidenceLog();
  const redactor = new Redactor();
  return { evidence, redactor, http: createHttpClient({ collector: 'c', instance: 'i', baseURL, evidence, redactor, retryBaseMs: 1, ...extra }) };
}

async function failure(p: Promise<unknown>): Promise<CollectError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CollectError);
    return err as CollectError;
  }
  throw new Error('expected a failure');
}

function tempConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'techops-safety-'));
  const file = join(dir, 'techops.yaml');
  writeFileSync(file, text);
  return file;
}

let main_: TestServer;
let other: TestServer;
beforeAll(async () => {
  other = await startServer((_req, res) => json(res, 401, { message: 'who are you?' }));
  let flaky = 0;
  main_ = await startServer((req, res) => {
    if (req.url === '/flaky') return flaky++ === 0 ? json(res, 503, 'busy') : json(res, 200, { ok: true });
    if (req.url === '/away') {
      res.writeHead(302, { Location: `${other.url}/stolen` });
      return res.end();
    }
    if (req.url === '/hop') {
      res.writeHead(301, { Location: '/landed' });
      return res.end();
    }
    if (req.url === '/landed') return json(res, 200, { landed: true });
    if (req.url === '/html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end('<html><body>Please sign in</body></html>');
    }
    if (req.url === '/limited') {
      res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'text/plain' });
      return res.end('slow down');
    }
    if (req.url?.startsWith('/echo')) return json(res, 401, { message: `bad credentials: ${req.headers.authorization}` });
    json(res, 404, { message: 'no such thing' });
  });
});
afterAll(async () => {
  await main_.close();
  await other.close();
});

describe('defect 1: the http defaults apply when a config says nothing', () => {
  it('an instance without an http block gets every default', () => {
    const file = tempConfig(`assessment: { name: x }\ncollectors:\n  fixture:\n    - name: a\n      url: http://127.0.0.1:9/s.json\n`);
    const cfg = loadConfig(file, [fixtureCollector], { env: {} });
    expect(cfg.instances[0].http).toEqual({
      timeoutMs: HTTP_DEFAULTS.timeoutMs, retries: HTTP_DEFAULTS.retries, budget: HTTP_DEFAULTS.budget,
      maxBodyBytes: HTTP_DEFAULTS.maxBodyBytes, maxRetryAfterMs: HTTP_DEFAULTS.maxRetryAfterMs,
      maxConcurrency: HTTP_DEFAULTS.maxConcurrency, cacheDir: join(dirname(file), '.techops-cache', 'http'),
    });
  });

  it('keys present but undefined do not wipe out the defaults: retries still happen', async () => {
    const { http, evidence } = client(main_.url, { timeoutMs: undefined, retries: undefined, maxBodyBytes: undefined, budget: undefined });
    const res = await http.getJson('/flaky', any);
    expect(res.data).toEqual({ ok: true });
    expect(evidence.records.map((r) => r.status)).toEqual([503, 200]);
  });

  it('a scan from a config without an http block retries a 503 (end to end)', async () => {
    const flakyOnce = await (async () => {
      let n = 0;
      return startServer((_req, res) => (n++ === 0 ? json(res, 503, 'busy') : json(res, 200, { signals: { 'fixture.alerts.count': 3 } })));
    })();
    const file = tempConfig(`assessment: { name: x }\nrules: ${FIXTURE_RULES}\ncollectors:\n  fixture:\n    - name: a\n      url: ${flakyOnce.url}/s.json\n`);
    const out = join(file, '..', 'out');
    const code = await main(['scan', '-c', file, '-o', out, '-f', 'json', '-q'], { registry: [fixtureCollector], stdout: () => {}, stderr: () => {} });
    await flakyOnce.close();
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.signals.find((s: { id: string }) => s.id === 'fixture.alerts.count').status).toBe('observed');
  });
});

describe('defect 2 and 5: credentials go only to the configured origin', () => {
  it('the HTTP client refuses a redirect to another host, naming both, and never contacts it', async () => {
    const before = other.requests.length;
    const { http, evidence } = client(main_.url, { auth: { bearer: 'canary-bearer-0001' } });
    const err = await failure(http.getJson('/away', any));
    expect(err.kind).toBe('rejected');
    expect(err.message).toContain(`refused to follow the redirect from ${main_.url}/away to ${other.url}/stolen`);
    expect(err.message).toContain(`${new URL(other.url).host} is another host than the configured ${new URL(main_.url).host}`);
    expect(other.requests.length).toBe(before);
    expect(evidence.records.map((r) => r.status)).toEqual([302]);
  });

  it('the HTTP client refuses an absolute link to another host', async () => {
    const { http } = client(main_.url);
    const err = await failure(http.getJson(`${other.url}/page2`, any));
    expect(err.message).toMatch(/refused to request .* another host than the configured/);
  });

  it('a same-origin redirect is followed and the evidence records the hop', async () => {
    const { http, evidence } = client(main_.url);
    const res = await http.getJson('/hop', any);
    expect(res.data).toEqual({ landed: true });
    const last = evidence.records.at(-1)!;
    expect(last.url).toBe(`${main_.url}/landed`);
    expect(last.redirects).toEqual([`${main_.url}/hop`]);
  });

  it('the recording fetch (Octokit) refuses a paging link or a redirect to another host', async () => {
    const before = other.requests.length;
    const evidence = new EvidenceLog();
    const f = createRecordingFetch({ collector: 'github', instance: 'i', evidence, redactor: new Redactor(), baseURL: main_.url });
    const headers = { Authorization: 'token ghp_canarycanarycanarycanary1234' };
    await expect(f(`${other.url}/repos?page=2`, { headers })).rejects.toMatchObject({ kind: 'rejected', message: expect.stringMatching(/another host than the configured/) });
    await expect(f(`${main_.url}/away`, { headers })).rejects.toMatchObject({ kind: 'rejected', message: expect.stringContaining(`to ${other.url}/stolen`) });
    expect(other.requests.length).toBe(before);
  });
});

describe('defect 3 and 4: redaction by value, never by words', () => {
  it('a basic-auth pair echoed in a 401 body is masked in every form, however short the password', async () => {
    const { http, redactor } = client(main_.url, { auth: { basic: { username: 'ops', password: 'k9' } } });
    const err = await failure(http.getJson('/echo', any));
    const b64 = Buffer.from('ops:k9').toString('base64');
    expect(err.message).not.toContain(b64);
    expect(err.message).toContain('credentials rejected (HTTP 401)');
    expect(redactor.text(`pw=k9 pair=ops:k9 b64=${b64} url=ops%3Ak9`)).not.toMatch(/k9|b3BzOms5/);
  });

  it('registers base64 and URL-encoded forms of a secret from the config', () => {
    const r = new Redactor();
    r.add('p@ss word/1');
    const out = r.text(`${Buffer.from('p@ss word/1').toString('base64')} ${encodeURIComponent('p@ss word/1')} p@ss word/1`);
    expect(out).toBe('<redacted> <redacted> <redacted>');
  });

  it('keeps prose intact: "Basic incident classification" is not a credential', () => {
    const r = new Redactor();
    r.add('some-registered-secret');
    expect(r.text('Basic incident classification and Bearer authentication')).toBe('Basic incident classification and Bearer authentication');
  });

  it('masks the precise shapes: an Authorization header, a Basic user:password, token prefixes', () => {
    const r = new Redactor();
    const basic = Buffer.from('alice:wonderland').toString('base64');
    expect(r.text(`Authorization: Basic ${basic}`)).toBe('Authorization: Basic <redacted>');
    expect(r.text(`sent Basic ${basic}`)).toBe('sent Basic <redacted>');
    expect(r.text('"authorization":"token abc"')).toBe('"authorization":"token <redacted>"');
    for (const t of ['ghp_0123456789abcdefghijABCDEFGHIJ', 'github_pat_11ABCDEFG0123456789_abcdefghij', 'glpat-abcdefghij0123456789']) {
      expect(r.text(`token is ${t}.`)).toBe('token is <redacted>.');
    }
  });

  it('scrub masks a report in place as value masks a copy: the same objects, secrets gone, frozen parts copied', () => {
    const r = new Redactor();
    r.add('s3cret-value-123');
    const evidence = [{ id: 'ev-1', url: 'https://x.example/api?token=abc', excerpt: 'said s3cret-value-123' }];
    const frozen = Object.freeze({ note: 'frozen s3cret-value-123', plain: 'kept' });
    const report = { evidence, nested: { password: 'hunter2', list: ['ok', 'has s3cret-value-123'], when: new Date(0), n: 3 }, frozen, untouched: Object.freeze({ a: 'b' }) };
    const expected = r.value(report);
    const out = r.scrub(report);
    expect(out).toBe(report);
    expect(out.evidence).toBe(evidence);
    expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(evidence[0].excerpt).toBe('said <redacted>');
    expect(evidence[0].url).toBe('https://x.example/api?token=<redacted>');
    expect(out.nested.password).toBe('<redacted>');
    expect(out.nested.when).toBeInstanceOf(Date);
    // A frozen object that needed masking is a masked copy; the frozen original is as it was.
    expect(out.frozen).not.toBe(frozen);
    expect(out.frozen.note).toBe('frozen <redacted>');
    expect(frozen.note).toBe('frozen s3cret-value-123');
    // A frozen object with nothing to mask is left as it is, the same object.
    expect(out.untouched).toBe(report.untouched);
  });

  it('a secret shorter than 4 characters is masked where it stands alone, not inside other words', () => {
    const r = new Redactor();
    r.add('x7');
    expect(r.text('password x7 rejected; box7 and x77 untouched')).toBe('password <redacted> rejected; box7 and x77 untouched');
  });
});

describe('defect 6: reasons a user can act on', () => {
  it('an HTML page where JSON was expected says so (HTTP client and recording fetch)', async () => {
    const { http } = client(main_.url);
    const err = await failure(http.getJson('/html', any));
    expect(err.message).toBe(`malformed response from GET ${main_.url}/html: expected JSON, got text/html (HTTP 200, 40 bytes)`);
    const f = createRecordingFetch({ collector: 'github', instance: 'i', evidence: new EvidenceLog(), redactor: new Redactor(), baseURL: main_.url });
    await expect(f(`${main_.url}/html`, { headers: { Accept: 'application/vnd.github.v3+json' } })).rejects.toMatchObject({
      kind: 'malformed', message: expect.stringContaining('expected JSON, got text/html'),
    });
  });

  it('a persistent 429 says how long it actually waited', async () => {
    const { http } = client(main_.url, { retries: 1, retryBaseMs: 1 });
    const err = await failure(http.getJson('/limited', any));
    expect(err.message).toMatch(/^rate limited \(HTTP 429\) by GET http:\/\/127\.0\.0\.1:\d+\/limited after 2 attempts, having waited 1\.\d s in all between them$/);
  });

  it('a base URL with a query or a fragment is rejected by validation, with a clear message', () => {
    for (const [url, what] of [['http://127.0.0.1:9090/?x=1', 'query'], ['http://127.0.0.1:9090/#top', 'fragment']]) {
      const file = tempConfig(`assessment: { name: x }\ncollectors:\n  prometheus:\n    - name: a\n      url: "${url}"\n`);
      expect(() => loadConfig(file, collectors, { env: {} })).toThrow(new RegExp(`collectors\\.prometheus\\[0\\]\\.url: a base URL cannot have a ${what}`));
    }
  });
});

describe('defect 7: a collector that saw nothing is not ok', () => {
  it('every request answered 404: status failed, shown in the table, and --fail-on-collector-error exits 4', async () => {
    const file = tempConfig(`assessment: { name: x }\ncollectors:\n  alertmanager:\n    - name: wrong-path\n      url: ${main_.url}/wrong/prefix\n      http: { retries: 0 }\n`);
    const out = join(file, '..', 'out');
    let stdout = '';
    let stderr = '';
    const io = { registry: collectors, stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), clock: fixedClock('2026-11-25T10:00:00Z') };
    expect(await main(['scan', '-c', file, '-o', out, '-q'], io)).toBe(0);
    expect(stdout).toMatch(/alertmanager\/wrong-path: failed \(0\/\d+ signals, \d+ failed of \d+ requests\)/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.collectors[0]).toMatchObject({ status: 'failed', signals_observed: 0 });
    expect(report.collectors[0].requests_failed).toBe(report.collectors[0].requests);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| alertmanager \| wrong-path \| ❌ failed \|/);
    expect(await main(['scan', '-c', file, '-o', out, '-q', '--fail-on-collector-error'], io)).toBe(4);
    expect(stderr).toContain('collector alertmanager/wrong-path is failed');
  });
});

describe('defect 8: rough edges of bad input', () => {
  it('a missing ${ENV} or ${file:…} is one line naming it and the key', async () => {
    const file = tempConfig(`assessment: { name: x }\ncollectors:\n  gitlab:\n    - name: a\n      url: http://127.0.0.1:1\n      group: g\n      token: \${NO_SUCH_VAR}\n  github:\n    - name: b\n      org: acme\n      token: \${file:no-such-file}\n`);
    let stderr = '';
    const code = await main(['validate', '-c', file], { registry: collectors, stdout: () => {}, stderr: (s) => void (stderr += s), env: {} });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      'collectors.gitlab[0].token: environment variable NO_SUCH_VAR (named by ${NO_SUCH_VAR}) is not set',
      `collectors.github[0].token: cannot read the secret file ${join(file, '..', 'no-such-file')} named by \${file:no-such-file}: no such file`,
    ]);
  });

  it('validate rejects a kubeconfig that does not exist', async () => {
    const file = tempConfig(`assessment: { name: x }\ncollectors:\n  kubernetes:\n    - name: k\n      kubeconfig: missing/kubeconfig\n`);
    let stderr = '';
    const code = await main(['validate', '-c', file], { registry: collectors, stdout: () => {}, stderr: (s) => void (stderr += s), env: {} });
    expect(code).toBe(1);
    expect(stderr).toContain(`collectors.kubernetes[0].kubeconfig: no such file ${join(file, '..', 'missing', 'kubeconfig')}`);
  });

  it('config.example.yaml and the demo config validate against `techops config schema`', () => {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    const validate = ajv.compile(configJsonSchema(collectors));
    const example = parseYaml(readFileSync(join(packageRoot(), 'config.example.yaml'), 'utf8'));
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'techops-demo-schema-'));
    const systems = Object.fromEntries(['prometheus', 'alertmanager', 'kubernetes', 'gitlab', 'github', 'opsgenie', 'pagerduty', 'grafana', 'netbox', 'backstage', 'opencost'].map((k, i) => [k, { url: `http://127.0.0.1:${9000 + i}`, requests: 0, close: async () => {} }]));
    const { config } = writeDemoFiles(dir, { systems, github: { login: 'acme' }, requests: () => 0, stop: async () => {} } as RunningEstate);
    expect(validate(parseYaml(readFileSync(config, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    // a config naming one collector only is valid too
    expect(validate({ assessment: { name: 'x' }, collectors: { prometheus: [{ name: 'p', url: 'http://127.0.0.1:9090' }] } })).toBe(true);
  });

  it('`techops scan --format json | head -c 100` ends without an EPIPE stack trace', () => {
    const bin = join(packageRoot(), 'dist', 'bin', 'techops.js');
    // a report of every criterion: far more than a pipe's buffer, so the writer meets the closed pipe
    const file = tempConfig('assessment: { name: x }\n');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" scan -c "${file}" -o "${join(file, '..', 'out')}" -f json -q | head -c 100 >/dev/null`], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.status).toBe(0);
  }, 180_000);

  it('every installed package supports this Node version (npm ci prints no EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(join(packageRoot(), 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };
    const node = process.versions.node.split('.').map(Number) as [number, number, number];
    const bad = Object.entries(lock.packages)
      .filter(([path, p]) => path && !Array.isArray(p.engines) && p.engines?.node && !satisfies(node, p.engines.node))
      .map(([path, p]) => `${path} needs node ${(p.engines as { node: string }).node}`);
    expect(bad).toEqual([]);
    // and npm agrees (offline: it reads the lock and node_modules only)
    const ls = execFileSync('npm', ['ls', '--all', '--offline', '--json'], { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(JSON.parse(ls).problems ?? []).toEqual([]);
  }, 120_000);
});

/** Just enough of semver's range syntax for the engines fields in the lock file. */
function satisfies(v: [number, number, number], range: string): boolean {
  const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const parts = (s: string) => s.replace(/^v/, '').split('.').map((x) => (x === '*' || x === 'x' ? NaN : Number(x)));
  return range.split('||').some((alt) =>
    alt.trim().replace(/(>=|<=|>|<|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean).every((c) => {
      if (c === '*' || c === 'x') return true;
      const m = /^(>=|<=|>|<|\^|~|=)?(.+)$/.exec(c)!;
      const [maj, min = NaN, pat = NaN] = parts(m[2]);
      const want = [maj, Number.isNaN(min) ? 0 : min, Number.isNaN(pat) ? 0 : pat];
      const d = cmp(v, want);
      switch (m[1]) {
        case '>=': return d >= 0;
        case '>': return d > 0;
        case '<=': return d <= 0;
        case '<': return d < 0;
        case '^': return v[0] === maj && d >= 0;
        case '~': return v[0] === maj && (Number.isNaN(min) || v[1] === min) && d >= 0;
        default: return v[0] === maj && (Number.isNaN(min) || v[1] === min) && (Number.isNaN(pat) || v[2] === pat);
      }
    }),
  );
}
