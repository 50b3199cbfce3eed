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

/** Folders whose YAML files with `apiVersion:` and `kind:` are taken as Kubernetes manifests. */
export const DEPLOY_DIRS: ReadonlySet<string> = new Set([
  'deploy', 'deploys', 'deployment', 'deployments', 'k8s', 'kube', 'kubernetes', 'manifests', 'openshift',
]);

export const CODEOWNERS_PATHS: readonly string[] = ['CODEOWNERS', '.github/CODEOWNERS', '.gitlab/CODEOWNERS', 'docs/CODEOWNERS'];

export type IacKind = 'helm' | 'kustomize' | 'terraform' | 'ansible' | 'kubernetes';

const isBlob = (e: TreeEntry) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755');
const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const isYaml = (path: string) => /\.ya?ml$/i.test(path);
export const inDeployDir = (path: string) => path.split('/').slice(0, -1).some((seg) => DEPLOY_DIRS.has(seg.toLowerCase()));

/** The kinds of configuration as code the file names alone show (Kubernetes needs the contents). */
export function kindsByName(entries: readonly TreeEntry[]): Map<IacKind, string> {
  const found = new Map<IacKind, string>();
  const note = (kind: IacKind, path: string) => {
    if (!found.has(kind)) found.set(kind, path);
  };
  for (const e of entries) {
    if (!isBlob(e)) continue;
    const name = base(e.path);
    if (name === 'Chart.yaml') note('helm', e.path);
    else if (name === 'kustomization.yaml' || name === 'kustomization.yml' || name === 'Kustomization') note('kustomize', e.path);
    else if (/\.tf(\.json)?$/.test(name)) note('terraform', e.path);
    else if (/^playbook[^/]*\.ya?ml$/i.test(name) || /(^|\/)roles\/[^/]+\/tasks\/main\.ya?ml$/.test(e.path)) note('ansible', e.path);
  }
  return found;
}

/** The files whose contents are read: CODEOWNERS candidates and YAML files, deployment folders first. */
export function filesToRead(entries: readonly TreeEntry[], limits: { maxFileBytes: number; maxFiles: number; maxTotalBytes: number }): {
  read: TreeEntry[];
  /** YAML files left unread (too large, or beyond the limits), in deployment folders and elsewhere. */
  unreadDeploy: number;
  unreadOther: number;
} {
  const codeowners = entries.filter((e) => isBlob(e) && CODEOWNERS_PATHS.includes(e.path));
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

export interface Manifest {
  apiVersion: string;
  kind: string;
}

/** The top-level apiVersion and kind of each YAML document of a file (documents without both are left out). */
export function manifests(text: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of text.split(/^---[ \t]*(?:#.*)?$/m)) {
    const apiVersion = /^apiVersion:[ \t]*["']?([^\s"'#]+)/m.exec(doc)?.[1];
    const kind = /^kind:[ \t]*["']?([A-Za-z0-9]+)/m.exec(doc)?.[1];
    if (apiVersion && kind) out.push({ apiVersion, kind });
  }
  return out;
}

/** An Argo CD or Flux object that makes a cluster follow a repository. */
export function gitopsKind(m: Manifest): string | undefined {
  const group = m.apiVersion.split('/')[0];
  if (group === 'argoproj.io' && (m.kind === 'Application' || m.kind === 'ApplicationSet')) return `Argo CD ${m.kind}`;
  if (group === 'kustomize.toolkit.fluxcd.io' && m.kind === 'Kustomization') return 'Flux Kustomization';
  if (group === 'helm.toolkit.fluxcd.io' && m.kind === 'HelmRelease') return 'Flux HelmRelease';
  return undefined;
}

/** A CODEOWNERS file counts when at least one line is a rule naming an owner (not a comment or a section header). */
export function codeownersHasRule(text: string): boolean {
  return text.split('\n').some((raw) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || /^\^?\[[^\]]*\]/.test(line)) return false;
    return line.split(/\s+/).length >= 2;
  });
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

export function analyseTree(entries: readonly TreeEntry[], contents: ReadonlyMap<string, Buffer>, unread: { deploy: number; other: number }): TreeFacts {
  const iac = kindsByName(entries);
  const gitops: string[] = [];
  let codeowners: string | undefined;
  for (const path of CODEOWNERS_PATHS) {
    const e = entries.find((x) => x.path === path && isBlob(x));
    const body = e && contents.get(e.oid);
    if (!codeowners && body && codeownersHasRule(body.toString('utf8'))) codeowners = path;
  }
  for (const e of entries) {
    if (!isBlob(e) || !isYaml(e.path)) continue;
    const body = contents.get(e.oid);
    if (!body) continue;
    const found = manifests(body.toString('utf8'));
    if (found.length && inDeployDir(e.path) && !iac.has('kubernetes')) iac.set('kubernetes', e.path);
    const kinds = [...new Set(found.map(gitopsKind).filter((k): k is string => !!k))];
    if (kinds.length) gitops.push(`${e.path} (${kinds.join(', ')})`);
  }
  const facts: TreeFacts = { iac: new Map([...iac].sort(([a], [b]) => a.localeCompare(b))), gitops, codeowners };
  if (iac.size === 0 && unread.deploy > 0) facts.iacUncertain = `${unread.deploy} YAML files in deployment folders were too large or beyond the read limits`;
  if (gitops.length === 0 && unread.deploy + unread.other > 0) facts.gitopsUncertain = `${unread.deploy + unread.other} YAML files were too large or beyond the read limits`;
  return facts;
}
