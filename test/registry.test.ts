import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { packageRoot } from '../src/package-info.js';

const dir = join(packageRoot(), 'collectors');
const folders = readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory());

describe('the collector registry', () => {
  it('lists exactly the collector folders', () => {
    expect(collectors.map((c) => c.id).sort()).toEqual(folders.sort());
  });

  it('imports no collector by name outside collectors/', () => {
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /from '\.\.\/(\.\.\/)*collectors\/(?!index\.js)/.test(readFileSync(path, 'utf8'))) offenders.push(path);
      }
    };
    walk(join(packageRoot(), 'src'));
    expect(offenders).toEqual([]);
  });

  for (const c of collectors) {
    describe(c.id, () => {
      it('has a README naming what it reads, its permissions and its config keys', () => {
        const readme = join(dir, c.id, 'README.md');
        expect(existsSync(readme)).toBe(true);
        expect(readFileSync(readme, 'utf8')).toMatch(/permission|RBAC|scope|access/i);
      });

      it('declares unique signals under its own id, none a prefix of another', () => {
        const ids = c.signals.map((s) => s.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          expect(id).toMatch(new RegExp(`^${c.id}\\.[a-z0-9_]+(\\.[a-z0-9_]+)+$`));
          expect(ids.filter((o) => o.startsWith(id + '.'))).toEqual([]);
        }
      });
    });
  }

  it('declares no signal id twice across collectors', () => {
    const ids = collectors.flatMap((c) => c.signals.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
