import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { extract, pack } from 'tar-stream';
import { UserError } from '../errors.js';
import type { Report } from '../report/schema.js';

/**
 * An evidence bundle an auditor can take away: one run's report as recorded, its renderings,
 * every evidence record, the config (secrets masked) and a manifest of SHA-256 digests, plus a
 * SHA256SUMS file that `sha256sum -c` checks without techops. The manifest holds nothing that
 * cannot be rebuilt from the files, so `verify` rebuilds it and compares byte for byte: one
 * changed byte anywhere in the bundle fails.
 */
export interface BundleFile {
  path: string;
  content: string;
}

const digest = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const MANIFEST = 'manifest.json';
const SUMS = 'SHA256SUMS';

function manifestFor(runId: string, report: Report, files: BundleFile[]): string {
  return JSON.stringify({
    bundle: 'techops evidence bundle',
    version: 1,
    run: {
      id: runId,
      assessment: report.run.assessment,
      started_at: report.run.started_at,
      finished_at: report.run.finished_at,
      tool_version: report.run.tool.version,
      standard: report.run.standard,
      rules_digest: report.run.rules_digest,
      config_digest: report.run.config_digest,
      evidence_records: report.evidence.length,
    },
    files: files.map((f) => ({ path: f.path, bytes: Buffer.byteLength(f.content), sha256: digest(f.content) })),
  }, null, 2) + '\n';
}

const sumsFor = (files: BundleFile[]) => files.map((f) => `${digest(f.content)}  ${f.path}`).join('\n') + '\n';

/** The bundle's files in order: the report as recorded first, then what is rendered from it. */
export function bundleFiles(runId: string, reportJson: string, report: Report, renderings: BundleFile[]): BundleFile[] {
  const files: BundleFile[] = [
    { path: 'report.json', content: reportJson },
    ...renderings,
    { path: 'evidence.json', content: JSON.stringify(report.evidence, null, 2) + '\n' },
    { path: 'config.json', content: JSON.stringify(report.run.config ?? null, null, 2) + '\n' },
  ];
  const manifest = { path: MANIFEST, content: manifestFor(runId, report, files) };
  return [...files, manifest, { path: SUMS, content: sumsFor([...files, manifest]) }];
}

/** The files as a gzipped tar, reproducible: fixed times and owners, so one run exports to the same bytes. */
export async function writeBundle(files: BundleFile[], mtime: Date): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const f of files) p.entry({ name: `techops-bundle/${f.path}`, mtime, mode: 0o644, uid: 0, gid: 0, uname: '', gname: '' }, f.content);
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

export interface Verification {
  ok: boolean;
  problems: string[];
  run?: { id: string; started_at: string; rules_digest: string; config_digest: string };
  files: number;
}

/** Reads a bundle in memory (nothing is extracted to disk) and checks every byte of it. */
export async function verifyBundle(gz: Buffer): Promise<Verification> {
  let tarBytes: Buffer;
  try {
    tarBytes = gunzipSync(gz);
  } catch (err) {
    return { ok: false, problems: [`not a gzip file: ${(err as Error).message}`], files: 0 };
  }
  const entries = new Map<string, Buffer>();
  const problems: string[] = [];
  try {
    const x = extract();
    const done = new Promise<void>((resolve, reject) => {
      x.on('entry', (header, stream, next) => {
        const parts: Buffer[] = [];
        stream.on('data', (c) => parts.push(c as Buffer));
        stream.on('end', () => {
          if (header.type !== 'file' || !header.name.startsWith('techops-bundle/')) problems.push(`unexpected entry ${header.name}`);
          else if (entries.has(header.name)) problems.push(`${header.name} appears twice`);
          else entries.set(header.name.slice('techops-bundle/'.length), Buffer.concat(parts));
          next();
        });
        stream.resume();
      });
      x.on('finish', resolve);
      x.on('error', reject);
    });
    x.end(tarBytes);
    await done;
  } catch (err) {
    return { ok: false, problems: [`not a tar archive: ${(err as Error).message}`], files: 0 };
  }
  const manifestBytes = entries.get(MANIFEST);
  if (!manifestBytes) return { ok: false, problems: [...problems, `${MANIFEST} is missing`], files: entries.size };
  let manifest: { run?: { id?: string }; files?: { path: string; sha256: string }[] };
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8'));
  } catch {
    return { ok: false, problems: [...problems, `${MANIFEST} is not JSON`], files: entries.size };
  }
  const listed = manifest.files ?? [];
  for (const f of listed) {
    const got = entries.get(f.path);
    if (!got) problems.push(`${f.path} is listed in the manifest but missing`);
    else if (digest(got) !== f.sha256) problems.push(`${f.path} changed: SHA-256 ${digest(got)}, the manifest says ${f.sha256}`);
  }
  const known = new Set([...listed.map((f) => f.path), MANIFEST, SUMS]);
  for (const name of entries.keys()) if (!known.has(name)) problems.push(`${name} is not listed in the manifest`);
  const reportBytes = entries.get('report.json');
  let report: Report | undefined;
  if (reportBytes) {
    try {
      report = JSON.parse(reportBytes.toString('utf8')) as Report;
    } catch {
      problems.push('report.json is not JSON');
    }
  }
  if (report && manifest.run?.id) {
    const files = listed.map((f) => ({ path: f.path, content: (entries.get(f.path) ?? Buffer.alloc(0)).toString('utf8') }));
    const rebuilt = manifestFor(manifest.run.id, report, files);
    if (rebuilt !== manifestBytes.toString('utf8')) problems.push(`${MANIFEST} does not match the report and files it describes`);
    const sums = entries.get(SUMS);
    if (!sums) problems.push(`${SUMS} is missing`);
    else if (sums.toString('utf8') !== sumsFor([...files, { path: MANIFEST, content: manifestBytes.toString('utf8') }])) problems.push(`${SUMS} does not match the files`);
  }
  const run = report && manifest.run?.id
    ? { id: manifest.run.id, started_at: report.run.started_at, rules_digest: report.run.rules_digest, config_digest: report.run.config_digest }
    : undefined;
  return { ok: problems.length === 0, problems, run, files: entries.size };
}

export function assertWritableBundleName(file: string): void {
  if (!/\.tar\.gz$|\.tgz$/.test(file)) throw new UserError(`--bundle: expected a .tar.gz or .tgz file name, got '${file}'`);
}
