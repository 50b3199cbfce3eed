import { z } from 'zod';

export const DEFAULT_RELEASE_TAGS = '^v?\\d+\\.\\d+(\\.\\d+)?$';
export const DEFAULT_HOTFIX = '(?i)hotfix';

/**
 * A regular expression as written in the config: JavaScript syntax, with leading inline flags
 * `(?i)`, `(?m)`, `(?s)` (or combined, `(?is)`) accepted as in Go, Python or PCRE, since
 * Node 20 does not know them.
 */
export function compilePattern(source: string): RegExp {
  const m = /^\(\?([ims]+)\)/.exec(source);
  const flags = m ? [...new Set(m[1])].join('') : '';
  return new RegExp(m ? source.slice(m[0].length) : source, flags);
}

const pattern = (what: string) =>
  z.string().min(1).superRefine((s, ctx) => {
    try {
      compilePattern(s);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression for ${what}: ${(err as Error).message}` });
    }
  });

export const gitConfigSchema = z
  .object({
    repositories: z
      .array(z.string().min(1))
      .min(1)
      .describe('Paths of local clones (work trees or bare repositories), relative to the config file\'s folder. The collector does not fetch: keep them up to date.'),
    branch: z
      .string()
      .min(1)
      .regex(/^[^\s~^:?*[\\]+$/, 'a branch name (refs/heads/<branch>, refs/remotes/origin/<branch>) or a full ref name')
      .optional()
      .describe('The branch to measure in every repository (default: the branch HEAD points at). Looked up as refs/heads/<branch>, then refs/remotes/origin/<branch>; a full ref name (refs/…) is taken as is.'),
    release_tags: pattern('release_tags')
      .default(DEFAULT_RELEASE_TAGS)
      .describe('Tags whose name matches this regular expression are releases (the deployment proxy).'),
    hotfix: pattern('hotfix')
      .default(DEFAULT_HOTFIX)
      .describe('Commit subjects, tag and branch names matching this regular expression are hotfixes; (?i) makes it case-insensitive.'),
  })
  .strict();

export type GitConfig = z.infer<typeof gitConfigSchema>;
