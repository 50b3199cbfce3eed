import { z } from 'zod';
import { httpUrl, regexPattern } from '../../src/config/schema.js';

const regex = regexPattern();

/** User names of automation identities by default: sync jobs, discovery agents, IaC tools. */
export const DEFAULT_AUTOMATION_USERS = ['(^|[-_.])(bot|sync|svc)([-_.]|$)', 'discover', 'automation', 'integration', '^diode', '^orb-agent', 'ansible', 'terraform'];

/** One NetBox (4.x REST API). The core adds `name` and `http`. */
export const netboxConfigSchema = z
  .object({
    url: httpUrl().describe('Base URL of NetBox, e.g. https://netbox.example.com (the API is url + /api/).'),
    token: z.string().min(1).describe('An API token of a user with view permission on the objects read (a read-only token is enough), sent as "Authorization: Token …" (use ${NETBOX_TOKEN} or ${file:PATH}).'),
    page_size: z.number().int().min(1).max(1000).default(1000)
      .describe('Objects per page (limit); NetBox answers at most MAX_PAGE_SIZE (1000 by default).'),
    automation_users: z.array(regex).min(1).default(DEFAULT_AUTOMATION_USERS)
      .describe('Regexes (case-insensitive) matching the user names of automation identities (sync jobs, discovery agents); changes by them count as automated.'),
    node_cluster_types: z.array(z.string().min(1)).default(['kubernetes'])
      .describe('Cluster type slugs whose member devices and virtual machines are Kubernetes nodes, compared with the live cluster (default kubernetes).'),
    workload_roles: z.array(z.string().min(1)).default(['kubernetes-workload'])
      .describe('Role slugs of virtual machines that record Kubernetes workloads (Deployments, StatefulSets) rather than machines (default kubernetes-workload).'),
    namespace_field: z.string().min(1).default('kubernetes_namespace')
      .describe('Custom field holding a workload\'s Kubernetes namespace; the workload is matched as <namespace>/<name> (default kubernetes_namespace).'),
  })
  .strict();

export type NetboxConfig = z.infer<typeof netboxConfigSchema>;
