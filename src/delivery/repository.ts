/**
 * Configuration as code, GitOps and CODEOWNERS, recognised the same way from a GitHub tree, a
 * GitLab tree or a local clone: from the paths of the default-branch tree and, where a name
 * alone does not tell (Kubernetes and GitOps manifests are plain YAML), from the text of a few
 * files. Pure functions: sources list and read, this module decides.
 */

export type IacKind = 'helm' | 'kustomize' | 'kubernetes' | 'terraform' | 'ansible';
export type Platform = 'github' | 'gitlab' | 'git';

/**
 * Where each platform reads CODEOWNERS, in its order of precedence (GitHub: .github/, root,
 * docs/; GitLab: root, docs/, .gitlab/). A file elsewhere assigns no owner on that platform; a
 * plain clone may be hosted anywhere, so every location counts.
 */
export const CODEOWNERS_LOCATIONS: Record<Platform, readonly string[]> = {
  github: ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'],
  gitlab: ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'],
  git: ['CODEOWNERS', '.github/CODEOWNERS', '.gitlab/CODEOWNERS', 'docs/CODEOWNERS'],
};

/** The CODEOWNERS file the platform would use, if the tree has one. */
export function codeownersPath(paths: Iterable<string>, platform: Platform): string | undefined {
  const all = new Set(paths);
  return CODEOWNERS_LOCATIONS[platform].find((p) => all.has(p));
}

/** A CODEOWNERS file counts when at least one line is a rule naming an owner (not a comment, a blank or a section header). */
export function codeownersHasRule(text: string): boolean {
  return text.split('\n').some((raw) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || /^\^?\[[^\]]*\]/.test(line)) return false;
    return line.split(/\s+/).length >= 2;
  });
}

const IGNORED = /(^|\/)(node_modules|vendor|third_party|\.terraform)\//;
const YAML = /\.ya?ml$/i;
/** Folders that conventionally hold Kubernetes manifests (Helm templates are not YAML until rendered). */
export const DEPLOY_DIRS: ReadonlySet<string> = new Set([
  'deploy', 'deploys', 'deployment', 'deployments', 'k8s', '.k8s', 'kube', 'kubernetes', 'manifest', 'manifests', 'openshift',
]);
/** Paths that conventionally hold Argo CD or Flux objects. */
const GITOPS_PATHS = /(^|\/)(argo|argocd|argo-cd|flux|flux-system|fluxcd|gitops|clusters|apps|applications?|applicationsets?|appsets?)(\/|[-_.])|gotk-(sync|components)\.ya?ml$|helmrelease/i;

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const inDeployDir = (path: string): boolean => path.split('/').slice(0, -1).some((seg) => DEPLOY_DIRS.has(seg.toLowerCase()));

export interface PathFacts {
  /** Kind → the first path that shows it, from names alone. */
  kinds: Map<IacKind, string>;
  /** YAML files whose text may show a Kubernetes or GitOps manifest, most promising first. */
  candidates: string[];
}

/** What the blob paths of a tree show. */
export function classifyPaths(blobs: Iterable<string>): PathFacts {
  const kinds = new Map<IacKind, string>();
  const note = (kind: IacKind, path: string) => {
    if (!kinds.has(kind)) kinds.set(kind, path);
  };
  const paths = [...blobs].filter((p) => !IGNORED.test(p)).sort();
  for (const path of paths) {
    const name = base(path);
    if (name === 'Chart.yaml') note('helm', path);
    else if (/^kustomization\.ya?ml$/.test(name) || name === 'Kustomization') note('kustomize', path);
    else if (/\.tf(\.json)?$/.test(name)) note('terraform', path);
    else if (name === 'ansible.cfg' || /(^|\/)roles\/[^/]+\/tasks\/main\.ya?ml$/.test(path) || /(^|\/)playbooks?\/[^/]+\.ya?ml$/.test(path) || /^(site|playbook[^/]*)\.ya?ml$/i.test(name)) note('ansible', path);
  }
  const chartDirs = paths.filter((p) => base(p) === 'Chart.yaml').map((p) => p.slice(0, -'Chart.yaml'.length));
  const yaml = paths.filter((p) => YAML.test(p) && !chartDirs.some((dir) => p.startsWith(dir)) && !/^(kustomization|values[^/]*)\.ya?ml$/i.test(base(p)));
  const rank = (p: string) => (/gotk-sync\.ya?ml$/i.test(p) ? 0 : GITOPS_PATHS.test(p) ? 1 : 2);
  const candidates = yaml.filter((p) => GITOPS_PATHS.test(p) || inDeployDir(p)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { kinds, candidates };
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

export interface FileFacts {
  /** A Kubernetes manifest in a deployment folder, or a GitOps object anywhere. */
  kubernetes: boolean;
  /** The GitOps objects it declares (`Argo CD Application`, `Flux Kustomization` …). */
  gitops: string[];
}

/** What one candidate file's text shows. */
export function classifyFile(path: string, text: string): FileFacts {
  const found = manifests(text);
  const gitops = [...new Set(found.map(gitopsKind).filter((k): k is string => k !== undefined))];
  // A GitOps object is itself a Kubernetes manifest that deploys: it counts wherever it is.
  return { kubernetes: found.length > 0 && (inDeployDir(path) || gitops.length > 0), gitops };
}
