/**
 * The fault suite: every HTTP collector against a loopback server that answers like the real
 * system except at one endpoint, where it misbehaves in one of the ways in FAULTS. Each case runs
 * the real CLI (`techops scan`, in-process) and checks what a user would: the scan finishes and
 * writes its reports; what read the bad endpoint is unknown, with a reason naming the URL and the
 * fault; nothing it touched is met; only GET/HEAD reached the server; the canary credentials are
 * in no output; nothing reached the other host.
 *
 * Timeouts and retry waits are small (backends.ts); no assertion depends on speed: the deadlines
 * only bound a hang.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectors } from '../../collectors/index.js';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/clock.js';
import type { Report } from '../../src/report/schema.js';
import { backend, CANARY, HTTP_COLLECTORS, NOW_ISO, type Backend } from './backends.js';
import { closedPort, FAULTS, startElsewhere, startFaultServer, type Fault } from './fault-server.js';

const COLLECTORS: readonly Backend['collector'][] = HTTP_COLLECTORS;

/** What the reason must say, in plain words, for each fault. */
const SAYS: Record<Fault, RegExp> = {
  refused: /ECONNREFUSED|refused/,
  hang: /timed out after \d+ ms/,
  trickle: /timed out after \d+ ms/,
  '401': /401/,
  '403': /403|permission denied/,
  '404': /404/,
  '429': /429|rate limit/,
  '500': /\b500\b/,
  '503': /\b503\b/,
  malformed_json: /invalid JSON|expected JSON/,
  html_200: /expected JSON, got text\/html/,
  truncated: /invalid JSON|expected JSON|connection lost|terminated|aborted|socket hang up|other side closed/i,
  huge_body: /larger than \d+ bytes/,
  paging_loop: /paging loop|same continue token twice/,
  next_link_other_host: /another host than the configured/,
  redirect_other_host: /another host than the configured/,
};

/** Faults that cannot happen to a collector, and why: the table says so and the case is skipped. */
function notApplicable(b: Backend, fault: Fault): string | undefined {
  if (fault === 'paging_loop' && b.paging === 'none') return `${b.target.source} is one document, not paged`;
  if (fault === 'next_link_other_host' && b.paging === 'none') return `${b.target.source} is one document, not paged`;
  if (fault === 'next_link_other_host' && b.paging === 'continue') return 'Kubernetes pages with continue tokens, never with URLs';
  if (fault === 'next_link_other_host' && b.nextLink && 'notApplicable' in b.nextLink) return b.nextLink.notApplicable;
  return undefined;
}

/**
 * GitLab takes only the query of a Link header (its external_url may differ from the configured
 * URL), so a next link naming another host is read from the configured host: nothing fails, and
 * the other host is never contacted. The case checks exactly that.
 */
const contained = (b: Backend, fault: Fault): string | undefined => {
  if (fault !== 'next_link_other_host') return undefined;
  if (b.collector === 'gitlab') return 'only the query of the link is used, the page is read from the configured host';
  return b.nextLink && 'contained' in b.nextLink ? b.nextLink.contained : undefined;
};

interface Row {
  collector: string;
  fault: string;
  outcome: string;
  status?: string;
  reason?: string;
  seconds?: number;
}
const rows: Row[] = [];

afterAll(() => {
  const order = (r: Row) => COLLECTORS.indexOf(r.collector as Backend['collector']) * 100 + FAULTS.indexOf(r.fault as Fault);
  const lines = ['| collector | fault | outcome | collector status | reason (sample) | time |', '|---|---|---|---|---|---:|'];
  for (const r of rows.sort((a, b) => order(a) - order(b))) {
    lines.push(`| ${r.collector} | ${r.fault} | ${r.outcome} | ${r.status ?? ''} | ${(r.reason ?? '').replace(/\|/g, '\\|').slice(0, 180)} | ${r.seconds !== undefined ? r.seconds.toFixed(1) + ' s' : ''} |`);
  }
  writeFileSync(join(tmpdir(), 'techops-fault-table.md'), lines.join('\n') + '\n');
});

for (const id of COLLECTORS) {
  describe.concurrent(`fault suite: ${id}`, () => {
    // one healthy backend for all the collector's cases (its data generated once; handlers keep no state between requests that matters)
    const base = backend(id);
    for (const fault of FAULTS) {
      const b = (fault === 'paging_loop' || fault === 'next_link_other_host') && base.paged ? { ...base, ...base.paged } : base;
      const why = notApplicable(b, fault);
      if (why) {
        rows.push({ collector: id, fault, outcome: `not applicable: ${why}` });
        it.skip(`${fault}: not applicable (${why})`, () => {});
        continue;
      }
      it(`${fault}`, async () => {
        const started = Date.now();
        const elsewhere = await startElsewhere();
        const server = fault === 'refused' ? undefined : await startFaultServer({ healthy: b.handler, target: b.target, fault, elsewhere: elsewhere.url, hugeBytes: 32 * 1024 * 1024, pages: b.pages });
        const url = server?.url ?? (await closedPort());
        const dir = mkdtempSync(join(tmpdir(), `techops-fault-${id}-${fault}-`));
        const config = join(dir, 'techops.yaml');
        writeFileSync(config, `assessment: { name: fault ${id} ${fault} }\nlimits: { collector_deadline: 90s, scan_deadline: 120s }\ncollectors:\n${instanceFor(b, fault, url, join(dir, 'cache'))}`);
        let stdout = '';
        let stderr = '';
        let code: number;
        try {
          code = await main(['scan', '-c', config, '-o', join(dir, 'out'), '-f', 'table,json,md'], {
            registry: collectors,
            stdout: (s) => void (stdout += s),
            stderr: (s) => void (stderr += s),
            stderrIsTTY: false,
            clock: fixedClock(NOW_ISO),
            env: { FAULT_TOKEN: CANARY.token, FAULT_PASSWORD: CANARY.password },
          });
        } finally {
          await server?.close();
          await elsewhere.close();
        }
        const seconds = (Date.now() - started) / 1000;

        // the scan finished and wrote its reports
        expect(code, stderr).toBe(0);
        for (const f of ['report.json', 'report.md', 'report.txt']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
        const files = ['report.json', 'report.md', 'report.txt'].map((f) => readFileSync(join(dir, 'out', f), 'utf8'));
        const report = JSON.parse(files[0]) as Report;
        const run = report.collectors.find((r) => r.collector === id)!;

        // only GET and HEAD reached the server (and, from GitHub and GitLab, POSTs to their GraphQL
        // endpoint, which the core's fetch allows only for query documents); nothing at all reached the other host
        for (const r of server?.seen ?? []) {
          const graphqlQuery = (id === 'github' || id === 'gitlab') && r.method === 'POST' && /^\/(api\/)?graphql$/.test(r.url);
          if (!graphqlQuery) expect(['GET', 'HEAD'], `${r.method} ${r.url}`).toContain(r.method);
        }
        expect(elsewhere.seen, 'requests to the other host').toEqual([]);

        // no canary credential in any output, in any of its forms
        const all = [...files, stdout, stderr].join('\n');
        const forms = [CANARY.token, CANARY.password, `${CANARY.user}:${CANARY.password}`, Buffer.from(`${CANARY.user}:${CANARY.password}`).toString('base64'), Buffer.from(CANARY.token).toString('base64')];
        for (const f of forms) expect(all.includes(f), `canary form ${f} leaked`).toBe(false);

        const containedBy = contained(b, fault);
        if (containedBy) {
          for (const s of b.reads) expect(report.signals.find((x) => x.id === s)?.status, s).toBe('observed');
          expect(run.status, 'collector status').toBe('ok');
          rows.push({ collector: id, fault, outcome: `contained: ${containedBy}`, status: run.status, seconds });
          return;
        }

        // what read the bad endpoint failed, with a reason naming the URL and the fault (a 404
        // may also read as "not available": the endpoint, and so the feature, is not there)
        // (only this collector is configured: every failed signal, derived ones included, is its)
        const lost = report.signals.filter((s) => s.status === 'failed' || (fault === '404' && s.status === 'not_available' && s.collector === id));
        for (const s of b.reads) {
          const sig = report.signals.find((x) => x.id === s)!;
          expect(fault === '404' ? ['failed', 'not_available'] : ['failed'], `${s}: ${sig.status} ${sig.reason}`).toContain(sig.status);
          expect(sig.reason, s).toMatch(SAYS[fault]);
          expect(sig.reason, s).toContain(fault === 'refused' ? new URL(url).host : b.endpoint);
        }

        // The criteria that read only what was lost are unknown, with the reason; none is met. (A
        // criterion that also reads a measured signal may be decided by it: \`a || b\` with b true
        // is met whatever a is, which is what the standard's text asks.)
        const lostIds = new Set(lost.map((s) => s.id));
        const observed = new Set(report.signals.filter((s) => s.status === 'observed').map((s) => s.id));
        const affected = report.criteria.filter((c) => c.signals.some((s) => lostIds.has(s.id)) && !c.signals.some((s) => observed.has(s.id)) && !c.attestation);
        expect(affected.length, 'criteria reading only lost signals').toBeGreaterThan(0);
        for (const c of affected) {
          expect(c.status, `${c.id} reads ${c.signals.map((s) => s.id).join(', ')}`).toBe('unknown');
          expect(c.reasons.join(' ') + c.explanation, c.id).toMatch(SAYS[fault]);
        }
        const reading = report.criteria.filter((c) => c.signals.some((s) => lostIds.has(s.id)));
        const decidedByOthers = reading.filter((c) => c.status !== 'unknown').length;

        // and the collector says it is not ok (a 404 the collector reads as "not there" is an
        // answer, like a CRD that is not installed: the status stays ok, the criteria unknown)
        if (!(fault === '404' && b.reads.every((s) => report.signals.find((x) => x.id === s)?.status === 'not_available'))) expect(run.status).not.toBe('ok');
        const sample = report.signals.find((x) => x.id === b.reads[0])!.reason!;
        rows.push({ collector: id, fault, outcome: `${lost.length} signals lost; ${affected.length} criteria unknown (0 met); ${decidedByOthers} decided by other measured signals`, status: run.status, reason: sample, seconds });
      }, 120_000);
    }
  });
}

/**
 * The backend's instance block. Only the faults that are about time (a hang, a trickle) keep the
 * 2 s request timeout; the others get 10 s, so a loaded machine (tests run beside other work)
 * cannot turn a 503 into a timeout.
 */
function instanceFor(b: ReturnType<typeof backend>, fault: string, url: string, cacheDir: string): string {
  const block = b.instance(url, cacheDir);
  return fault === 'hang' || fault === 'trickle' ? block : block.replace('timeout: 2s', 'timeout: 10s');
}
