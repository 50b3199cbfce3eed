import { classifyFile, classifyPaths, CODEOWNERS_LOCATIONS, codeownersHasRule, codeownersPath, inDeployDir, type IacKind } from '../../src/delivery/repository.js';

/**
 * What a branch tree shows about configuration as code, GitOps and code ownership. Pure
 * functions over `git ls-tree -r -l` entries and the contents of the files worth reading.
 */

export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Bytes; -1 when git gives none (trees, submodules). */
  size: number;
  path: string;
}

/** Parses `git ls-tree -r -z -l --full-tree` output: `<mode> <type> <oid> <size>\t<path>\0`. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('utf8').split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    if (tab < 0) throw new Error(`unexpected git ls-tree line: ${record.slice(0, 120)}`);
    const [mode, type, oid, size] = record.slice(0, tab).trim().split(/\s+/);
    if (!mode || !type || !oid) throw new Error(`unexpected git ls-tree line: ${record.slice(0, 120)}`);
    entries.push({ mode, type, oid, size: size === undefined || size === '-' ? -1 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

const isBlob = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');
const isYaml = (path: string) => /\.ya?ml$/i.test(path);

/** The files whose contents are read: CODEOWNERS candidates and YAML files, deployment folders first. */
export function filesToRead(entries: readonly TreeEntry[], limits: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number }): {
  read: TreeEntry[];
  /** YAML files left unread (too large, or beyond the limits), in deployment folders and elsewhere. */
  unreadDeploy: number;
  unreadOther: number;
} {
  const codeowners = entries.filter((e) => isBlob(e) && CODEOWNERS_LOCATIONS.git.includes(e.path));
  const yaml = entries.filter((e) => isBlob(e) && isYaml(e.path));
  const ordered = [...yaml.filter((e) => inDeployDir(e.path)), ...yaml.filter((e) => !inDeployDir(e.path))];
  const read: TreeEntry[] = [];
  let total = 0;
  let unreadDeploy = 0;
  let unreadOther = 0;
  for (const e of codeowners) {
    if (e.size <= limits.maxFileBytes) {
      read.push(e);
      total += e.size;
    }
  }
  for (const e of ordered) {
    if (e.size <= limits.maxFileBytes && read.length < limits.maxFiles && total + e.size <= limits.maxTotalBytes) {
      read.push(e);
      total += e.size;
    } else if (inDeployDir(e.path)) unreadDeploy++;
    else unreadOther++;
  }
  return { read, unreadDeploy, unreadOther };
}

/** Parses `git cat-file --batch` output into contents by object id. */
export function parseCatFileBatch(out: Buffer): Map<string, Buffer> {
  const objects = new Map<string, Buffer>();
  let at = 0;
  while (at < out.length) {
    const nl = out.indexOf(0x0a, at);
    if (nl < 0) throw new Error('truncated git cat-file --batch output');
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    const parts = header.split(' ');
    if (parts[1] === 'missing' || parts[1] === 'ambiguous') continue;
    const size = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(size) || at + size > out.length) throw new Error(`unexpected git cat-file --batch header: ${header.slice(0, 120)}`);
    objects.set(parts[0], out.subarray(at, at + size));
    at += size + 1; // the content is followed by a newline
  }
  return objects;
}

export interface TreeFacts {
  /** Kind → the first path that shows it. */
  iac: Map<IacKind, string>;
  /** `path (kind)` of each GitOps manifest. */
  gitops: string[];
  /** The CODEOWNERS file with a rule, if any. */
  codeowners?: string;
  /** Why the absence of Kubernetes manifests or GitOps manifests is not certain. */
  iacUncertain?: string;
  gitopsUncertain?: string;
}

/** The shared definitions (src/delivery/repository.ts) over the tree and the files read. */
export function analyseTree(entries: readonly TreeEntry[], contents: ReadonlyMap<string, Buffer>, unread: { deploy: number; other: number }): TreeFacts {
  const blobs = entries.filter(isBlob);
  const iac = classifyPaths(blobs.map((e) => e.path)).kinds;
  const gitops: string[] = [];
  // A plain clone may be hosted anywhere: the first location with a file decides, as on the platforms.
  const ownersPath = codeownersPath(blobs.map((e) => e.path), 'git');
  const ownersBody = ownersPath ? contents.get(blobs.find((e) => e.path === ownersPath)!.oid) : undefined;
  const codeowners = ownersPath && ownersBody && codeownersHasRule(ownersBody.toString('utf8')) ? ownersPath : undefined;
  for (const e of blobs) {
    if (!isYaml(e.path)) continue;
    const body = contents.get(e.oid);
    if (!body) continue;
    const found = classifyFile(e.path, body.toString('utf8'));
    if (found.kubernetes && !iac.has('kubernetes')) iac.set('kubernetes', e.path);
    if (found.gitops.length) gitops.push(`${e.path} (${found.gitops.join(', ')})`);
  }
  const facts: TreeFacts = { iac: new Map([...iac].sort(([a], [b]) => a.localeCompare(b))), gitops, codeowners };
  if (iac.size === 0 && unread.deploy > 0) facts.iacUncertain = `${unread.deploy} YAML files in deployment folders were too large or beyond the read limits`;
  if (gitops.length === 0 && unread.deploy + unread.other > 0) facts.gitopsUncertain = `${unread.deploy + unread.other} YAML files were too large or beyond the read limits`;
  return facts;
}
