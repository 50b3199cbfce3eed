/**
 * Deployment configuration as code, recognised from a repository tree and, where the name alone
 * does not tell, from the text of a few files. Pure functions: the collector fetches.
 */

export type IacKind = 'helm' | 'kustomize' | 'kubernetes' | 'terraform' | 'ansible' | 'argocd' | 'flux';
export type ContentKind = 'gitops' | 'kubernetes' | 'ansible';

export const CODEOWNERS_PATHS = ['CODEOWNERS', '.gitlab/CODEOWNERS', 'docs/CODEOWNERS'];

const YAML = /\.ya?ml$/i;
const K8S_DIRS = new Set(['deploy', 'deploys', 'deployment', 'deployments', 'k8s', 'kube', 'kubernetes', 'manifests', 'manifest', 'openshift']);
const GITOPS_HINT = /(argo|flux|gitops|applicationset|appset|helmrelease|gotk)/i;
const GITOPS_DIRS = new Set(['clusters', 'apps', 'applications']);

export interface TreeFacts {
  kinds: Set<IacKind>;
  /** Evidence by name: kind → first path that shows it. */
  where: Map<IacKind, string>;
  codeowners?: string;
  /** Files whose text decides a kind, best first. */
  candidates: { path: string; kind: ContentKind }[];
}

export function analyseTree(blobs: string[]): TreeFacts {
  const kinds = new Set<IacKind>();
  const where = new Map<IacKind, string>();
  const found = (kind: IacKind, path: string) => {
    if (!kinds.has(kind)) where.set(kind, path);
    kinds.add(kind);
  };
  const gitops: string[] = [];
  const k8s: string[] = [];
  const ansible: string[] = [];
  let codeowners: string | undefined;
  for (const path of blobs) {
    const segments = path.split('/');
    const base = segments[segments.length - 1];
    const dirs = segments.slice(0, -1).map((s) => s.toLowerCase());
    if (dirs.includes('.terraform') || dirs.includes('node_modules') || dirs.includes('vendor')) continue;
    if (CODEOWNERS_PATHS.includes(path) && (codeowners === undefined || CODEOWNERS_PATHS.indexOf(path) < CODEOWNERS_PATHS.indexOf(codeowners))) codeowners = path;
    if (base === 'Chart.yaml') found('helm', path);
    else if (base === 'kustomization.yaml' || base === 'kustomization.yml' || base === 'Kustomization') found('kustomize', path);
    else if (/\.tf$/.test(base)) found('terraform', path);
    else if (base === 'ansible.cfg' || /(^|\/)roles\/[^/]+\/tasks\/main\.ya?ml$/.test(path)) found('ansible', path);
    if (!YAML.test(base)) continue;
    if (GITOPS_HINT.test(path) || dirs.some((d) => GITOPS_DIRS.has(d))) gitops.push(path);
    if (dirs.some((d) => K8S_DIRS.has(d)) && !dirs.includes('templates') && !/^(values.*|Chart|kustomization)\.ya?ml$/.test(base)) k8s.push(path);
    if (/^(playbook.*|site)\.ya?ml$/i.test(base) || dirs.includes('playbooks') || dirs.includes('ansible')) ansible.push(path);
  }
  // Names that say argo/flux first, then the directories GitOps repositories usually use.
  gitops.sort((a, b) => Number(!GITOPS_HINT.test(a)) - Number(!GITOPS_HINT.test(b)));
  const candidates = [
    ...gitops.slice(0, 5).map((path) => ({ path, kind: 'gitops' as const })),
    ...(kinds.has('kubernetes') ? [] : k8s.slice(0, 3).map((path) => ({ path, kind: 'kubernetes' as const }))),
    ...(kinds.has('ansible') ? [] : ansible.slice(0, 2).map((path) => ({ path, kind: 'ansible' as const }))),
  ];
  return { kinds, where, codeowners, candidates };
}

/** The kinds a file's text shows (several YAML documents may share one file). */
export function analyseContent(text: string): IacKind[] {
  const out: IacKind[] = [];
  const has = (re: RegExp) => re.test(text);
  if (has(/^apiVersion:\s*argoproj\.io\//m) && has(/^kind:\s*(Application|ApplicationSet)\s*$/m)) out.push('argocd');
  if ((has(/^apiVersion:\s*kustomize\.toolkit\.fluxcd\.io\//m) && has(/^kind:\s*Kustomization\s*$/m)) ||
      (has(/^apiVersion:\s*helm\.toolkit\.fluxcd\.io\//m) && has(/^kind:\s*HelmRelease\s*$/m))) out.push('flux');
  if (has(/^apiVersion:\s*\S+/m) && has(/^kind:\s*\S+/m)) out.push('kubernetes');
  if (has(/^\s*-?\s*hosts:\s*\S/m) && has(/^\s*(-\s*)?(tasks|roles|import_playbook|include_playbook):/m)) out.push('ansible');
  return out;
}
