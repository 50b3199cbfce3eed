import { z } from 'zod';
import { httpUrl, regexPattern } from '../../src/config/schema.js';

const regex = regexPattern();

export const DEFAULT_PRODUCTION = ['^(prod|production|live)$'];

/** One GitLab instance (GitLab.com or self-managed) and the projects to scan on it. The core adds `name` and `http`. */
export const gitlabConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of the GitLab instance, e.g. https://gitlab.example.com (the API is url + /api/v4).'),
    token: z.string().min(1).describe('Personal, group or project access token with scope read_api, sent as "Authorization: Bearer …" (use ${GITLAB_TOKEN}).'),
    group: z.string().min(1).optional().describe('Full path (or numeric id) of a group whose projects, subgroups included, are scanned.'),
    projects: z.array(z.string().min(1)).min(1).optional().describe('Projects to scan, by path_with_namespace (group/subgroup/project).'),
    include: z.array(regex).optional().describe('Scan only projects whose path_with_namespace matches one of these regexes (case-insensitive).'),
    exclude: z.array(regex).optional().describe('Skip projects whose path_with_namespace matches one of these regexes (case-insensitive).'),
    include_archived: z.boolean().default(false).describe('Scan archived projects too (default false).'),
    include_forks: z.boolean().default(false).describe('Scan forks too (default false).'),
    production_environments: z.array(regex).min(1).default(DEFAULT_PRODUCTION)
      .describe('Regexes (case-insensitive) matching the names of production environments (default ^(prod|production|live)$).'),
    incidents: z.boolean().default(true)
      .describe('Also read the incident issues (issue_type=incident) of the scanned projects for the gitlab.incidents.* signals: one more listing per project (default true).'),
    max_projects: z.number().int().min(1).max(10_000).default(200).describe('Most projects scanned; the most recently active are kept (default 200).'),
    tls: z
      .object({
        ca_file: z.string().min(1).optional().describe('PEM file of the CA that signed the server certificate.'),
        insecure_skip_verify: z.boolean().optional().describe('Accept any server certificate (testing only).'),
      })
      .strict()
      .optional()
      .describe('TLS settings for an https:// URL.'),
  })
  .strict()
  .refine((c) => c.group !== undefined || c.projects !== undefined, { message: 'set group, projects or both', path: ['group'] });

export type GitlabConfig = z.infer<typeof gitlabConfigSchema>;
