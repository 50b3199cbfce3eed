import { z } from 'zod';
import { httpUrl } from '../../src/config/schema.js';

/** Namespaces left out unless the config says otherwise: the control plane's own. */
export const DEFAULT_EXCLUDED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;
export const DEFAULT_PAGE_SIZE = 500;

const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name (lower-case letters, digits and "-")');

/**
 * One Kubernetes cluster. How to reach it: a kubeconfig (the default: $KUBECONFIG or
 * ~/.kube/config), the pod's service account (`in_cluster`), or a plain `server` URL with a
 * token. The core adds `name` and `http`.
 */
export const kubernetesConfigSchema = z
  .object({
    kubeconfig: z.string().min(1).optional().describe('Path of a kubeconfig file, relative to this config file or starting with ~/ (default: $KUBECONFIG, else ~/.kube/config).'),
    context: z.string().min(1).optional().describe('kubeconfig context to use (default: its current-context).'),
    in_cluster: z.boolean().optional().describe('Use the service account of the pod techops runs in (token and CA under /var/run/secrets/kubernetes.io/serviceaccount).'),
    server: httpUrl().optional().describe('API server URL, instead of a kubeconfig (e.g. https://10.0.0.1:6443, or a kubectl proxy on http://127.0.0.1:8001).'),
    token: z.string().min(1).optional().describe('Bearer token for `server` (use ${ENV_VAR} or ${file:PATH}).'),
    tls: z
      .object({
        ca_file: z.string().min(1).optional().describe('PEM file of the CA that signed the API server certificate (with `server`).'),
        insecure_skip_verify: z.boolean().optional().describe('Accept any server certificate (testing only).'),
      })
      .strict()
      .optional()
      .describe('TLS settings for an https:// `server`.'),
    namespaces: z.array(namespaceName).min(1).optional().describe('Namespaces to assess (default: all). Listed namespaces are read one by one.'),
    exclude_namespaces: z
      .array(namespaceName)
      .default([...DEFAULT_EXCLUDED_NAMESPACES])
      .describe('Namespaces left out (default: kube-system, kube-public, kube-node-lease).'),
    inventory_complete: z
      .boolean()
      .default(false)
      .describe('Every database and cache of the estate runs in this cluster (none is a managed service outside it): finding none is then a measured 0, not "not available" (default false).'),
    page_size: z.number().int().min(1).max(5000).default(DEFAULT_PAGE_SIZE).describe('Objects per list request (limit); lists are read page by page with continue tokens (default 500).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    const ways = [c.server ? 'server' : undefined, c.in_cluster ? 'in_cluster' : undefined, c.kubeconfig ? 'kubeconfig' : undefined].filter(Boolean);
    if (ways.length > 1) ctx.addIssue({ code: 'custom', message: `set one of server, in_cluster and kubeconfig, not ${ways.join(' and ')}`, path: [ways[1] as string] });
    if (c.context && (c.server || c.in_cluster)) ctx.addIssue({ code: 'custom', message: 'context chooses a kubeconfig context; it does not apply with server or in_cluster', path: ['context'] });
    if (c.token && !c.server) ctx.addIssue({ code: 'custom', message: 'token goes with server (a kubeconfig or the service account brings its own credentials)', path: ['token'] });
    if (c.tls && !c.server) ctx.addIssue({ code: 'custom', message: 'tls goes with server (a kubeconfig brings its own CA)', path: ['tls'] });
  });

export type KubernetesConfig = z.infer<typeof kubernetesConfigSchema>;
