import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { startEstate, writeDemoFiles } from '../demo/index.js';
import { main } from '../src/cli/main.js';
import { fixedClock } from '../src/clock.js';

describe('diff on two real runs of the sample estate', () => {
  it('with one collector broken between them, names exactly the criteria and signals it moved', async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const running = await startEstate({ factor: 1 }, now);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'techops-diff-demo-'));
      const { config } = writeDemoFiles(dir, running, now);
      const run = async (argv: string[]) => {
        let stdout = '';
        let stderr = '';
        // One instant for both scans: the estate's ages and windows are the same, only the broken collector differs.
        const code = await main(argv, { registry: collectors, stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false, clock: fixedClock(now) });
        return { code, stdout, stderr };
      };
      expect((await run(['scan', '-c', config, '-o', join(dir, 'a'), '-f', 'json', '-q'])).code).not.toBe(1); // 3: the demo's claims include a contradicted one
      // Alertmanager answers 404 to everything under a wrong prefix: its signals fail.
      const am = running.systems.alertmanager.url;
      writeFileSync(config, readFileSync(config, 'utf8').replace(`url: ${am}\n`, `url: ${am}/wrong/prefix\n      http: { retries: 0 }\n`));
      expect((await run(['scan', '-c', config, '-o', join(dir, 'b'), '-f', 'json', '-q'])).code).not.toBe(1); // 3: the demo's claims include a contradicted one

      const d = JSON.parse((await run(['diff', '-c', config, '-f', 'json'])).stdout);
      const alertmanagerSignals = new Set(JSON.parse(readFileSync(join(dir, 'b', 'report.json'), 'utf8')).signals
        .filter((s: { id: string; collector: string }) => s.collector === 'alertmanager').map((s: { id: string }) => s.id));
      // every signal that moved is Alertmanager's, or combines one of its (derived)
      expect(d.signals.length).toBeGreaterThan(0);
      const foreign = d.signals.filter((s: { id: string }) => !alertmanagerSignals.has(s.id));
      expect(foreign.every((s: { id: string; to: { status: string } }) => s.to.status === 'failed' || s.to.status === 'not_configured'), JSON.stringify(foreign)).toBe(true);
      // criteria flipped, each with the Alertmanager signals behind it, none from met to met-by-accident
      expect(d.criteria.length).toBeGreaterThan(0);
      for (const c of d.criteria) {
        expect(c.from, c.id).toBe('met');
        expect(c.to, c.id).toBe('unknown');
        expect(c.signals.length, c.id).toBeGreaterThan(0);
        expect(c.signals.some((s: { id: string; to: { status: string } }) => alertmanagerSignals.has(s.id) && s.to.status === "failed"), JSON.stringify(c)).toBe(true);
      }
      expect(d.to.config_digest).not.toBe(d.from.config_digest);
    } finally {
      await running.stop();
    }
  }, 120_000);
});
