/**
 * Deployment configuration as code, recognised from the paths of a repository's default-branch
 * tree and, for Kubernetes and GitOps manifests (plain YAML that only its content tells apart),
 * from the content of a few candidate files.
 */

export type IacKind = 'helm' | 'kustomize' | 'kubernetes' | 'terraform' | 'ansible';

export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
/** Most files whose content is read per repository to recognise Kubernetes and GitOps manifests. */
export const MAX_MANIFEST_READS = 6;
const MAX_MANIFEST_BYTES = 512 * 1024;

const IGNORED = /(^|\/)(node_modules|vendor|third_party|\.terraform)\//;
const YAML = /\.ya?ml$/i;
/** Folders that conventionally hold Kubernetes manifests (not Helm templates, which are not YAML until rendered). */
const MANIFEST_DIRS = /(^|\/)(deploy|deploys|deployment|deployments|k8s|kube|kubernetes|manifests|\.k8s)\//i;
/** Paths that conventionally hold Argo CD or Flux objects. */
const GITOPS_PATHS = /(^|\/)(argo|argocd|argo-cd|flux|flux-system|fluxcd|gitops|clusters|applications?|applicationsets?|appsets?)(\/|[-_.])|gotk-(sync|components)\.ya?ml$|helmrelease/i;

export interface TreeEntry {
  path: string;
  type: string;
  sha: string;
  size?: number;
}

export interface PathFacts {
  kinds: Set<IacKind>;
  codeowners?: string;
  /** YAML files worth reading, most promising first. */
  candidates: TreeEntry[];
}

export function analysePaths(entries: TreeEntry[]): PathFacts {
  const kinds = new Set<IacKind>();
  const blobs = entries.filter((e) => e.type === 'blob' && !IGNORED.test(e.path));
  const paths = new Set(blobs.map((e) => e.path));
  const codeowners = CODEOWNERS_PATHS.find((p) => paths.has(p));
  for (const { path } of blobs) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base === 'Chart.yaml') kinds.add('helm');
    else if (/^kustomization\.ya?ml$/.test(base) || base === 'Kustomization') kinds.add('kustomize');
    else if (/\.tf$|\.tf\.json$/.test(base)) kinds.add('terraform');
    else if (base === 'ansible.cfg' || /(^|\/)roles\/[^/]+\/tasks\/main\.ya?ml$/.test(path) || /(^|\/)playbooks?\/[^/]+\.ya?ml$/.test(path) || /^(site|playbook)\.ya?ml$/.test(base)) kinds.add('ansible');
  }
  const chartDirs = blobs.filter((e) => e.path.endsWith('Chart.yaml')).map((e) => e.path.slice(0, -'Chart.yaml'.length));
  const small = blobs.filter((e) => YAML.test(e.path) && (e.size ?? 0) <= MAX_MANIFEST_BYTES && !chartDirs.some((dir) => e.path.startsWith(dir)) && !/^kustomization\.ya?ml$/i.test(e.path.slice(e.path.lastIndexOf('/') + 1)));
  const gitops = small.filter((e) => GITOPS_PATHS.test(e.path));
  const manifests = small.filter((e) => MANIFEST_DIRS.test(e.path) && !GITOPS_PATHS.test(e.path));
  const candidates = [...gitops, ...manifests].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
  return { kinds, codeowners, candidates };
}

function rank(e: TreeEntry): number {
  if (/gotk-sync\.ya?ml$/i.test(e.path)) return 0;
  if (GITOPS_PATHS.test(e.path)) return 1;
  return 2;
}

export interface ManifestFacts {
  kubernetes: boolean;
  gitops?: string;
}

/** What a YAML file (possibly several documents) declares. */
export function analyseManifest(text: string): ManifestFacts {
  const apiVersions = [...text.matchAll(/^apiVersion:\s*["']?([^\s"'#]+)/gm)].map((m) => m[1]);
  const kinds = [...text.matchAll(/^kind:\s*["']?([A-Za-z]+)/gm)].map((m) => m[1]);
  const kubernetes = apiVersions.length > 0 && kinds.length > 0;
  let gitops: string | undefined;
  if (apiVersions.some((v) => v.startsWith('argoproj.io/')) && kinds.some((k) => k === 'Application' || k === 'ApplicationSet')) gitops = 'Argo CD ' + kinds.filter((k) => k.startsWith('Application'))[0];
  else if (apiVersions.some((v) => v.startsWith('kustomize.toolkit.fluxcd.io/')) && kinds.includes('Kustomization')) gitops = 'Flux Kustomization';
  else if (apiVersions.some((v) => v.startsWith('helm.toolkit.fluxcd.io/')) && kinds.includes('HelmRelease')) gitops = 'Flux HelmRelease';
  return { kubernetes, gitops };
}
