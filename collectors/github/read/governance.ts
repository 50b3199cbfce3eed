import type { Read } from '../../../src/collector/kit.js';
import { isCollectError } from '../../../src/http/errors.js';
import { classifyFile, classifyPaths, CODEOWNERS_LOCATIONS, codeownersHasRule, codeownersPath, type IacKind } from '../../../src/delivery/repository.js';
import { blobSchema, branchProtectionSchema, branchRuleSchema, contentSchema, treeSchema, type BranchProtection, type BranchRule } from '../api.js';
import type { GithubApi } from '../client.js';
import { isFatal } from '../errors.js';
import { rulesRequire } from '../measure/governance.js';
import type { Repo } from './repositories.js';
import { settle } from './settle.js';

/** Most files whose content is read per repository to recognise Kubernetes and GitOps manifests. */
export const MAX_MANIFEST_READS = 6;
const MAX_MANIFEST_BYTES = 512 * 1024;

/** What the default branch's protection came to: rulesets and classic branch protection, each read or why not. */
export interface ProtectionRaw {
  /** No default branch: an empty repository. */
  empty?: boolean;
  /** The rules in force on the default branch ([] on a server without rulesets); undefined when refused. */
  rules?: BranchRule[];
  rulesProblem?: string;
  /** Branch protection: its settings, `unprotected` (404), `unavailable` on the plan; undefined when refused or not read. */
  classic?: BranchProtection | 'unprotected' | 'unavailable';
  classicProblem?: string;
}

/** The default branch's tree, reduced to what is measured from it (the files read are classified as they come). */
export interface TreeRaw {
  empty?: boolean;
  truncated: boolean;
  /** Configuration-as-code kinds recognised from the paths alone. */
  kinds: IacKind[];
  /** The CODEOWNERS file GitHub uses, when it holds a rule. */
  codeowners?: string;
  /** The manifests read (YAML under deployment folders), in order, with what they hold. */
  manifests: { path: string; kubernetes: boolean; gitops: string[] }[];
}

/** A refusal (403) or absence (404) that the protection read turns into a fact; anything else is thrown. */
function expected(err: unknown, evidence: string[]): 'not_found' | 'credentials' {
  if (isFatal(err) || !isCollectError(err) || (err.kind !== 'not_found' && err.kind !== 'credentials')) throw err;
  if (err.detail.evidence) evidence.push(err.detail.evidence);
  return err.kind;
}

export function readProtection(api: GithubApi, repo: Repo): Promise<Read<ProtectionRaw>> {
  return settle(async (evidence) => {
    const { owner, name, branch } = repo;
    if (!branch) return { empty: true };
    const params = { owner, repo: name, branch };
    const raw: ProtectionRaw = {};
    try {
      const page = await api.list('GET /repos/{owner}/{repo}/rules/branches/{branch}', params, branchRuleSchema);
      evidence.push(...page.evidence);
      raw.rules = page.data;
    } catch (err) {
      // not_found: a server without rulesets (older GitHub Enterprise Server)
      if (expected(err, evidence) === 'not_found') raw.rules = [];
      else raw.rulesProblem = (err as Error).message;
    }
    const fromRules = rulesRequire(raw.rules);
    if (fromRules.review && fromRules.checks) return raw;
    try {
      const got = await api.get('GET /repos/{owner}/{repo}/branches/{branch}/protection', params, branchProtectionSchema);
      evidence.push(...got.evidence);
      raw.classic = got.data;
    } catch (err) {
      const message = (err as Error).message;
      if (expected(err, evidence) === 'not_found') raw.classic = 'unprotected';
      else if (/upgrade to github pro|make this repository public/i.test(message)) raw.classic = 'unavailable';
      else raw.classicProblem = message;
    }
    return raw;
  });
}

export function readTree(api: GithubApi, repo: Repo): Promise<Read<TreeRaw>> {
  return settle(async (evidence) => {
    const { owner, name, branch } = repo;
    const empty: TreeRaw = { empty: true, truncated: false, kinds: [], manifests: [] };
    if (!branch) return empty;
    let tree;
    try {
      tree = await api.get('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', { owner, repo: name, tree_sha: branch, recursive: 1 }, treeSchema);
    } catch (err) {
      // 409 Conflict "Git Repository is empty."
      if (isCollectError(err) && err.detail.status === 409) {
        if (err.detail.evidence) evidence.push(err.detail.evidence);
        return empty;
      }
      throw err;
    }
    evidence.push(...tree.evidence);
    const blobs = tree.data.tree.filter((e) => e.type === 'blob');
    const sha = new Map(blobs.map((e) => [e.path, e.sha]));
    const facts = classifyPaths(blobs.map((e) => e.path));
    const text = async (path: string, fileSha: string) => {
      const blob = await api.get('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', { owner, repo: name, file_sha: fileSha }, blobSchema);
      evidence.push(...blob.evidence);
      return blob.data.encoding === 'base64' ? Buffer.from(blob.data.content, 'base64').toString('utf8') : blob.data.content;
    };
    // The CODEOWNERS file GitHub uses counts when it holds a rule (src/delivery/repository.ts).
    let codeowners: string | undefined;
    const ownersPath = codeownersPath(sha.keys(), 'github');
    if (ownersPath) {
      if (codeownersHasRule(await text(ownersPath, sha.get(ownersPath)!))) codeowners = ownersPath;
    } else if (tree.data.truncated) {
      // A tree too large to list whole: ask for each CODEOWNERS location, in GitHub's order.
      for (const path of CODEOWNERS_LOCATIONS.github) {
        try {
          const got = await api.get('GET /repos/{owner}/{repo}/contents/{path}', { owner, repo: name, path, ref: branch }, contentSchema);
          evidence.push(...got.evidence);
          if (codeownersHasRule(Buffer.from(got.data.content ?? '', 'base64').toString('utf8'))) codeowners = path;
          break;
        } catch (err) {
          if (!isCollectError(err, 'not_found')) throw err;
          if (err.detail.evidence) evidence.push(err.detail.evidence);
        }
      }
    }
    const manifests: TreeRaw['manifests'] = [];
    const small = facts.candidates.filter((p) => (blobs.find((e) => e.path === p)?.size ?? 0) <= MAX_MANIFEST_BYTES);
    let kubernetes = facts.kinds.has('kubernetes');
    for (const path of small.slice(0, MAX_MANIFEST_READS)) {
      // Enough read once both questions are answered.
      if (kubernetes && manifests.some((m) => m.gitops.length)) break;
      const found = classifyFile(path, await text(path, sha.get(path)!));
      kubernetes ||= found.kubernetes;
      manifests.push({ path, kubernetes: found.kubernetes, gitops: found.gitops });
    }
    return { truncated: tree.data.truncated, kinds: [...facts.kinds.keys()], codeowners, manifests };
  });
}
