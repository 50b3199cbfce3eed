import { existsSync, readFileSync } from 'node:fs';
import type { RequestOptions as HttpsRequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Cluster, KubeConfig as KubeConfigType, User } from '@kubernetes/client-node';
import { errorMessage } from '../../src/errors.js';
import type { HttpClientOptions } from '../../src/http/client.js';
import type { KubernetesConfig } from './config.js';

/** Where and how to send the requests: what `ctx.http()` needs, and a line saying where it came from. */
export interface Connection {
  options: Pick<HttpClientOptions, 'baseURL' | 'auth' | 'headers' | 'tls'>;
  /** e.g. `kubeconfig /home/x/.kube/config, context prod` — never a credential. */
  source: string;
}

export interface ConnectEnv {
  resolvePath(path: string): string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

/**
 * Turns the config into a server URL and credentials. @kubernetes/client-node reads the
 * configuration (kubeconfig files, contexts, the in-cluster service account, and the exec,
 * OIDC, token-file and cloud auth plugins it supports); the requests themselves go through the
 * shared HTTP client, so that each one is recorded as evidence, budgeted, retried and classified
 * like every other collector's.
 */
export async function connect(config: KubernetesConfig, env: ConnectEnv): Promise<Connection> {
  if (config.server) {
    const ca = config.tls?.ca_file ? readPem(env.resolvePath(config.tls.ca_file), 'tls.ca_file') : undefined;
    const https = config.server.startsWith('https:');
    return {
      options: {
        baseURL: config.server,
        auth: config.token ? { bearer: config.token } : undefined,
        tls: https && (ca || config.tls?.insecure_skip_verify) ? { ca, insecureSkipVerify: config.tls?.insecure_skip_verify ?? false } : undefined,
      },
      source: `server ${config.server}`,
    };
  }

  // @kubernetes/client-node is loaded only to read a kubeconfig or the service account: loading it
  // (every generated API with it) costs about a second and ~70 MiB of the process's memory for the
  // whole scan, which a `server` and `token` never need.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const vars = env.env ?? process.env;
  const kc = new KubeConfig();
  let source: string;
  if (config.in_cluster) {
    if (!vars.KUBERNETES_SERVICE_HOST || !vars.KUBERNETES_SERVICE_PORT) {
      throw new Error('in_cluster is set, but KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not: techops is not running in a pod');
    }
    kc.loadFromCluster();
    source = 'in-cluster service account';
  } else {
    const files = kubeconfigFiles(config, env, vars);
    for (const [i, file] of files.entries()) {
      const one = new KubeConfig();
      try {
        one.loadFromFile(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(`cannot read kubeconfig ${file}: ${code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
      }
      // As kubectl merges KUBECONFIG: the first file to set current-context wins.
      if (i === 0) kc.loadFromOptions({ clusters: one.clusters, users: one.users, contexts: one.contexts, currentContext: one.currentContext });
      else {
        try {
          kc.mergeConfig(one, Boolean(kc.getCurrentContext()));
        } catch (err) {
          throw new Error(`cannot merge kubeconfig ${file} into ${files[0]}: ${errorMessage(err)}`);
        }
      }
    }
    const names = kc.getContexts().map((c) => c.name);
    if (config.context) {
      if (!kc.getContextObject(config.context)) {
        throw new Error(`kubeconfig ${files.join(delimiter)} has no context '${config.context}' (contexts: ${names.join(', ') || 'none'})`);
      }
      kc.setCurrentContext(config.context);
    } else if (!kc.getCurrentContext() || !kc.getContextObject(kc.getCurrentContext())) {
      throw new Error(`kubeconfig ${files.join(delimiter)} sets no usable current-context; set \`context\` (contexts: ${names.join(', ') || 'none'})`);
    }
    source = `kubeconfig ${files.join(delimiter)}, context ${kc.getCurrentContext()}`;
  }

  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`${source}: the context names a cluster the kubeconfig does not define`);
  const user = kc.getCurrentUser() ?? { name: 'anonymous' };
  return { options: await credentials(KubeConfig, cluster, user, source), source };
}

function kubeconfigFiles(config: KubernetesConfig, env: ConnectEnv, vars: NodeJS.ProcessEnv): string[] {
  const home = env.home ?? homedir();
  if (config.kubeconfig) return [config.kubeconfig.startsWith('~/') ? join(home, config.kubeconfig.slice(2)) : env.resolvePath(config.kubeconfig)];
  const fromEnv = (vars.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (fromEnv.length) return fromEnv;
  const file = join(home, '.kube', 'config');
  if (!existsSync(file)) throw new Error(`no kubeconfig: set kubeconfig, server or in_cluster (KUBECONFIG is unset and ${file} does not exist)`);
  return [file];
}

/**
 * Lets client-node apply the user's credentials (client certificate, token, token file, exec and
 * auth-provider plugins) and the cluster's CA to a set of https options, and takes them from
 * there. client-node refuses http:// servers without insecure-skip-tls-verify, which is fine for
 * its own agent but not needed here: the options are computed against the https form of the URL
 * and the http server is then reached without TLS.
 */
async function credentials(KubeConfig: new () => KubeConfigType, cluster: Cluster, user: User, source: string): Promise<Connection['options']> {
  if (cluster.proxyUrl) throw new Error(`${source}: the cluster sets proxy-url, which techops does not support (it connects to the API server directly)`);
  const probe = new KubeConfig();
  probe.loadFromClusterAndUser({ ...cluster, server: cluster.server.replace(/^http:/, 'https:') }, user);
  const opts: HttpsRequestOptions & { headers?: Record<string, string> } = { headers: {} };
  try {
    await probe.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new Error(`${source}: cannot load the credentials of user '${user.name}': ${errorMessage(err)}`);
  }
  const headers: Record<string, string> = {};
  let bearer: string | undefined;
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (name.toLowerCase() === 'authorization') {
      const m = /^Bearer\s+(.+)$/i.exec(String(value));
      if (m) bearer = m[1].trim();
      else headers.Authorization = String(value);
    } else headers[name] = String(value);
  }
  let basic: { username: string; password: string } | undefined;
  if (typeof opts.auth === 'string') {
    const at = opts.auth.indexOf(':');
    basic = { username: opts.auth.slice(0, at), password: opts.auth.slice(at + 1) };
  }
  const https = cluster.server.startsWith('https:');
  return {
    baseURL: cluster.server,
    auth: bearer ? { bearer } : basic ? { basic } : undefined,
    headers: Object.keys(headers).length ? headers : undefined,
    tls: https
      ? {
          ca: opts.ca as Buffer | undefined,
          cert: opts.cert as Buffer | undefined,
          key: opts.key as Buffer | undefined,
          insecureSkipVerify: cluster.skipTLSVerify || opts.rejectUnauthorized === false,
        }
      : undefined,
  };
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
}
