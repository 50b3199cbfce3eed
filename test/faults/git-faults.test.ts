/**
 * The fault suite for the git collector: real repositories made in a temp folder, each broken in
 * one way, scanned through the CLI. Each case checks that the scan finishes with its reports,
 * that the signals of the broken repository are not measured, with a reason naming the path and
 * the fault, that no criterion reading only them is met, and that the collector is not ok.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectors } from '../../collectors/index.js';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/clock.js';
import type { Report } from '../../src/report/schema.js';

const NOW = '2026-11-20T12:00:00Z';
const GIT_ROWS: string[] = [];
afterAll(() => writeFileSync(join(tmpdir(), 'techops-git-fault-table.md'), GIT_ROWS.sort().join('\n') + '\n'));
let root: string;

function git(cwd: string, args: string[], at = '2026-11-10T10:00:00Z'): string {
  const env = { ...process.env, GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at, GIT_CONFIG_NOSYSTEM: '1', HOME: root };
  return execFileSync('git', ['-c', 'user.name=Fault', '-c', 'user.email=fault@example.invalid', '-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], { cwd, env, encoding: 'utf8' }).trim();
}

/** A repository with a few weeks of commits and release tags. */
function makeRepo(dir: string): void {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q']);
  for (let i = 0; i < 12; i++) {
    const at = new Date(Date.parse(NOW) - (40 - i * 3) * 86400_000).toISOString();
    writeFileSync(join(dir, `file-${i}.txt`), `change ${i}\n`);
    git(dir, ['add', '.'], at);
    git(dir, ['commit', '-q', '-m', i % 4 === 3 ? `hotfix: ${i}` : `feature ${i}`], at);
    if (i % 3 === 2) git(dir, ['tag', '-a', `v1.${i}.0`, '-m', `release ${i}`], at);
  }
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'techops-git-faults-'));
  makeRepo(join(root, 'origin'));
  // not a repository: a plain folder
  mkdirSync(join(root, 'plain'));
  writeFileSync(join(root, 'plain', 'README'), 'not a repository\n');
  // a shallow clone: one commit of history
  git(root, ['clone', '-q', '--depth', '1', '--no-local', `file://${join(root, 'origin')}`, 'shallow']);
  // a corrupt object: the head commit's object file replaced by garbage
  // (a copy of the repository made by commits, whose objects are loose files)
  execFileSync('cp', ['-a', join(root, 'origin'), join(root, 'corrupt')]);
  const head = git(join(root, 'corrupt'), ['rev-parse', 'HEAD']);
  const object = join(root, 'corrupt', '.git', 'objects', head.slice(0, 2), head.slice(2));
  if (!existsSync(object)) throw new Error('expected the head commit as a loose object');
  rmSync(object, { force: true });
  writeFileSync(object, 'this is not a zlib stream');
  // sanity: the healthy clone has loose objects too, so the corrupt one differs only by that file
  expect(readdirSync(join(root, 'corrupt', '.git', 'objects')).length).toBeGreaterThan(2);
});

const CASES = [
  { fault: 'missing path', path: 'nowhere', says: /nowhere is not a git repository \(no such directory\)/ },
  { fault: 'not a repository', path: 'plain', says: /plain is not a git repository/ },
  { fault: 'shallow clone', path: 'shallow', says: /shallow/ },
  { fault: 'corrupt object', path: 'corrupt', says: /corrupt|bad object|loose object|invalid object|unable to read|fatal/i },
] as const;

describe.concurrent('fault suite: git', () => {
  for (const c of CASES) {
    it(c.fault, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'techops-git-fault-'));
      const config = join(dir, 'techops.yaml');
      writeFileSync(config, `assessment: { name: git ${c.fault} }\ncollectors:\n  git:\n    - name: local\n      repositories: [${join(root, c.path)}]\n`);
      let stdout = '';
      let stderr = '';
      const code = await main(['scan', '-c', config, '-o', join(dir, 'out'), '-f', 'json,md,table'], {
        registry: collectors, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false, clock: fixedClock(NOW), env: {},
      });
      expect(code, stderr).toBe(0);
      for (const f of ['report.json', 'report.md', 'report.txt']) expect(existsSync(join(dir, 'out', f)), f).toBe(true);
      const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as Report;
      const gitSignals = report.signals.filter((s) => s.collector === 'git');
      const lost = report.signals.filter((s) => s.status === 'failed');
      expect(lost.length, 'signals lost').toBeGreaterThan(0);
      for (const s of gitSignals.filter((x) => x.status === 'failed')) expect(s.reason, s.id).toMatch(c.says);
      const lostIds = new Set(lost.map((s) => s.id));
      const observed = new Set(report.signals.filter((s) => s.status === 'observed').map((s) => s.id));
      for (const cr of report.criteria.filter((x) => x.signals.some((s) => lostIds.has(s.id)) && !x.signals.some((s) => observed.has(s.id)))) {
        expect(cr.status, cr.id).toBe('unknown');
      }
      expect(report.collectors[0].status).not.toBe('ok');
      GIT_ROWS.push(`| git | ${c.fault} | ${lost.length} signals lost, collector ${report.collectors[0].status} | ${gitSignals.find((s) => s.status === 'failed')?.reason ?? ''} |`);
    }, 120_000);
  }
});

