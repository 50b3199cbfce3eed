import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { collectors } from '../collectors/index.js';
import { signalCatalog } from '../src/signals/catalog.js';
import {
  chineseCollectorDescription,
  chineseSignalDescription,
  defaultChineseDescriptionsFile,
  loadChineseDescriptions,
} from '../src/signals/descriptions-zh.js';

const CJK = /\p{Script=Han}/u;
const catalog = signalCatalog(collectors);
const declared = [...catalog.ids];
// Read raw, not through the loader, so each test below names its own problem (the loader stops
// at the first invalid entry); the loader's own verdict on the file is a test of its own.
const raw = parseYaml(readFileSync(defaultChineseDescriptionsFile(), 'utf8')) as { collectors?: Record<string, unknown>; signals?: Record<string, unknown> };
const zh = { collectors: new Map(Object.entries(raw.collectors ?? {})), signals: new Map(Object.entries(raw.signals ?? {})) };

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'techops-zh-')), 'descriptions.zh.yaml');
  writeFileSync(file, text);
  return file;
}

describe('Chinese signal descriptions (signals/descriptions.zh.yaml)', () => {
  it('cover the whole catalogue: collectors, cross and derived signals', () => {
    // guards against a catalogue that silently lost a source: then "all covered" means little
    expect(catalog.collectors.size).toBeGreaterThan(400);
    expect(catalog.cross.length).toBeGreaterThan(0);
    expect(catalog.derived.length).toBeGreaterThan(0);
    const missing = declared.filter((id) => !zh.signals.has(id));
    expect(missing, `signals without a Chinese description: ${missing.join(', ')}`).toEqual([]);
  });

  it('name no signal that nobody declares', () => {
    const stray = [...zh.signals.keys()].filter((id) => !catalog.ids.has(id));
    expect(stray, `ids in descriptions.zh.yaml that no collector, cross or derived signal declares: ${stray.join(', ')}`).toEqual([]);
  });

  it('describe every registered collector, and no other', () => {
    expect([...zh.collectors.keys()].sort()).toEqual(collectors.map((c) => c.id).sort());
  });

  it('are Chinese, not English left in place', () => {
    const english = [...zh.signals, ...zh.collectors].filter(([, text]) => typeof text !== 'string' || !CJK.test(text)).map(([id]) => id);
    expect(english, `descriptions with no Chinese character: ${english.join(', ')}`).toEqual([]);
  });

  it('pass the loader the commands use', () => {
    const loaded = loadChineseDescriptions(defaultChineseDescriptionsFile());
    expect(loaded.signals.size).toBe(zh.signals.size);
    expect(loaded.collectors.size).toBe(collectors.length);
  });

  it('are what the lookups return', () => {
    const [id, text] = [...zh.signals][0]!;
    expect(chineseSignalDescription(id)).toBe(text);
    expect(chineseSignalDescription('no_such.signal')).toBeUndefined();
    expect(chineseCollectorDescription('prometheus')).toMatch(CJK);
    expect(chineseCollectorDescription('no_such_collector')).toBeUndefined();
  });

  it('reject a description with no Chinese character, naming the id', () => {
    const file = tempFile("collectors: {}\nsignals:\n  prometheus.api.reachable: 'The HTTP API answers'\n");
    expect(() => loadChineseDescriptions(file)).toThrow(/signals\.prometheus\.api\.reachable: has no Chinese character/);
  });

  it('reject an id given twice and an unknown top-level key', () => {
    expect(() => loadChineseDescriptions(tempFile("collectors: {}\nsignals:\n  a.b: '甲'\n  a.b: '乙'\n"))).toThrow(/cannot read Chinese signal descriptions/);
    expect(() => loadChineseDescriptions(tempFile("collectors: {}\nsignals: {}\nderived: {}\n"))).toThrow(/invalid Chinese signal descriptions/);
  });
});
