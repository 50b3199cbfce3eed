import { z } from 'zod';
import { duration, httpUrl, regexPattern } from '../../src/config/schema.js';

const regex = regexPattern();

/** One GitHub (github.com or GitHub Enterprise Server) scope: an organisation and/or a list of repositories. The core adds `name` and `http`. */
export const githubConfigSchema = z
  .object({
    token: z.string().min(1).optional().describe('A read-only token (fine-grained or classic); use ${GITHUB_TOKEN}. Without one only public repositories can be read, at 60 requests an hour.'),
    app_id: z.union([z.number().int().min(1), z.string().regex(/^\d+$/, 'a GitHub App id (digits)')]).optional().describe('GitHub App authentication (instead of token): the App\'s id.'),
    private_key: z.string().min(1).optional().describe('GitHub App authentication: the App\'s private key (PEM); use ${file:github-app.pem}.'),
    installation_id: z.number().int().min(1).optional().describe('GitHub App authentication: the id of the App\'s installation on the organisation.'),
    api_url: httpUrl().default('https://api.github.com').describe('REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.'),
    org: z.string().min(1).regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'an organisation login').optional().describe('Organisation whose repositories are scanned (GET /orgs/{org}/repos).'),
    repositories: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name'))
      .min(1)
      .optional()
      .describe('Repositories scanned as owner/name (in addition to the organisation\'s); scanned even when archived or forks.'),
    include: z.array(regex).default([]).describe('Scan only organisation repositories whose owner/name matches one of these regexes (case-insensitive).'),
    exclude: z.array(regex).default([]).describe('Skip organisation repositories whose owner/name matches one of these regexes (case-insensitive).'),
    include_archived: z.boolean().default(false).describe('Scan archived organisation repositories too.'),
    include_forks: z.boolean().default(false).describe('Scan forked organisation repositories too.'),
    production_environments: z
      .array(regex)
      .min(1)
      .default(['^(prod|production|live)$'])
      .describe('Deployment environments that count as production (regexes, case-insensitive).'),
    max_repositories: z.number().int().min(1).default(200).describe('Most repositories scanned; beyond it the most recently pushed are kept.'),
    max_rate_limit_wait: duration.default(60).describe('Longest wait for a rate limit to reset before giving up (default 60s).'),
    // Removed: GitHub's answers are revalidated by the core's conditional cache like every collector's.
    cache_dir: z.unknown().optional().describe('Removed: set http.cache_dir (the cache every collector shares) instead.'),
    concurrency: z.number().int().min(1).max(10).default(4).describe('Repositories read at once (default 4; GitHub advises against many concurrent requests).'),
  })
  .strict()
  .refine((c) => c.cache_dir === undefined, {
    message: 'cache_dir is no longer a GitHub key: GitHub answers are cached by the cache every collector shares; set `http: { cache_dir: … }` on this instance instead (or leave it out for .techops-cache/http beside the config)',
    path: ['cache_dir'],
  })
  .refine((c) => c.org !== undefined || c.repositories !== undefined, { message: 'set org, repositories, or both', path: ['org'] })
  .refine((c) => [c.app_id, c.private_key, c.installation_id].every((x) => x === undefined) || [c.app_id, c.private_key, c.installation_id].every((x) => x !== undefined), {
    message: 'GitHub App authentication needs app_id, private_key and installation_id together', path: ['app_id'],
  })
  .refine((c) => !(c.token && c.app_id !== undefined), { message: 'set either token or the GitHub App (app_id, private_key, installation_id), not both', path: ['token'] });

export type GithubConfig = Omit<z.infer<typeof githubConfigSchema>, 'cache_dir'>;
