import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { collectors } from '../collectors/index.js';
import { parseConfig } from '../src/config/load.js';

/**
 * The kustomize base in deploy/kubernetes, read the way kustomize reads it (its resources, its
 * configMapGenerator and its common labels) with the yaml package, so the checks run where
 * kubectl is not installed; where it is, the rendering is compared too.
 */
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };
const BASE = resolve('deploy/kubernetes');

function renderBase(dir = BASE): Obj[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
  const common: Record<string, string> = Object.assign({}, ...(k.labels ?? []).map((l: { pairs: Record<string, string> }) => l.pairs));
  const objs: Obj[] = [];
  for (const file of k.resources as string[]) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
      const o = doc.toJS() as Obj | null;
      if (o) objs.push(o);
    }
  }
  for (const g of k.configMapGenerator ?? []) {
    objs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data: Object.fromEntries(g.files.map((f: string) => [f, readFileSync(join(dir, f), 'utf8')])) });
  }
  for (const o of objs) o.metadata.labels = { ...common, ...o.metadata.labels };
  return objs;
}

const objs = renderBase();
const one = (kind: string, name?: string): Obj => {
  const found = objs.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0];
};
const podSpecs = (): { owner: string; spec: any; labels: Record<string, string> }[] => [
  ...objs.filter((o) => o.kind === 'Deployment').map((o) => ({ owner: `Deployment ${o.metadata.name}`, spec: o.spec.template.spec, labels: o.spec.template.metadata.labels })),
  ...objs.filter((o) => o.kind === 'CronJob').map((o) => ({ owner: `CronJob ${o.metadata.name}`, spec: o.spec.jobTemplate.spec.template.spec, labels: o.spec.jobTemplate.spec.template.metadata.labels })),
];
const arg = (args: string[], name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('the kustomize base', () => {
  it('has the serve Deployment, the scan CronJob, the ServiceAccount, the ClusterRole and its binding, the Service, the ServiceMonitor and the config', () => {
    for (const kind of ['Deployment', 'CronJob', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Service', 'ServiceMonitor', 'ConfigMap']) one(kind);
    expect(one('Deployment').spec.template.spec.containers[0].args[0]).toBe('serve');
    expect(one('CronJob').spec.jobTemplate.spec.template.spec.containers[0].args[0]).toBe('scan');
    expect(one('CronJob').spec.concurrencyPolicy).toBe('Forbid');
  });

  it('runs every container as non-root, with a read-only root filesystem, no privilege escalation, no capabilities, and resources', () => {
    const pods = podSpecs();
    expect(pods).toHaveLength(2);
    for (const { owner, spec } of pods) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const at = `${owner} container ${c.name}`;
        const sc = { ...spec.securityContext, ...c.securityContext };
        expect(sc.runAsNonRoot, at).toBe(true);
        expect(sc.runAsUser ?? 1, at).not.toBe(0);
        expect(c.securityContext?.readOnlyRootFilesystem, at).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, at).toBe(false);
        expect(c.securityContext?.privileged ?? false, at).toBe(false);
        expect(c.securityContext?.capabilities?.drop, at).toContain('ALL');
        expect(c.securityContext?.capabilities?.add ?? [], at).toEqual([]);
        expect(c.resources?.requests?.memory, at).toBeTruthy();
        expect(c.resources?.limits?.memory, at).toBeTruthy();
        expect(spec.serviceAccountName, at).toBe(one('ServiceAccount').metadata.name);
      }
    }
  });

  it('gives every path techops writes a mounted volume, and mounts the config read-only where the args name it', () => {
    const config = one('ConfigMap', 'techops-config');
    const file = Object.keys(config.data)[0];
    for (const { owner, spec } of podSpecs()) {
      const c = spec.containers[0];
      const mounts = c.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
      const under = (p: string) => mounts.find((m) => p === m.mountPath || p.startsWith(m.mountPath + '/'));
      const configPath = arg(c.args, 'config')!;
      const cm = under(configPath);
      expect(cm?.readOnly, owner).toBe(true);
      expect(spec.volumes.find((v: { name: string }) => v.name === cm!.name).configMap.name).toBe('techops-config');
      expect(configPath).toBe(`${cm!.mountPath}/${file}`);
      const writes = [arg(c.args, 'out')!, '/tmp'];
      const cfg = parse(config.data[file]);
      for (const list of Object.values(cfg.collectors ?? {}) as { http?: { cache_dir?: string; cache?: boolean } }[][]) {
        for (const i of list) if (i.http?.cache !== false) writes.push(i.http?.cache_dir ?? '(beside the read-only config)');
      }
      if (cfg.store?.path) writes.push(cfg.store.path);
      for (const w of writes) expect(under(w) && !under(w)!.readOnly, `${owner} writes ${w}`).toBe(true);
    }
  });

  it('the config it mounts is valid, names a PostgreSQL store and takes the password from the Secret', () => {
    const config = one('ConfigMap', 'techops-config');
    const file = Object.keys(config.data)[0];
    const cfg = parseConfig(parse(config.data[file]), `/etc/techops/${file}`, collectors, { env: { TECHOPS_PG_PASSWORD: 'pw' } });
    expect(cfg.store?.location).toMatch(/^postgres:\/\/techops:pw@/);
    expect(config.data[file]).toContain('${TECHOPS_PG_PASSWORD}');
    for (const { spec } of podSpecs()) expect(spec.containers[0].envFrom).toContainEqual({ secretRef: { name: 'techops-secrets' } });
  });

  it('the ClusterRole only reads (get, list, watch) and is bound to the ServiceAccount', () => {
    const role = one('ClusterRole');
    const verbs = new Set<string>(role.rules.flatMap((r: { verbs: string[] }) => r.verbs));
    expect([...verbs].filter((v) => !['get', 'list', 'watch'].includes(v))).toEqual([]);
    expect(role.rules.some((r: { resources?: string[] }) => r.resources?.includes('secrets') || r.resources?.includes('*'))).toBe(false);
    const binding = one('ClusterRoleBinding');
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    const sa = one('ServiceAccount');
    expect(binding.subjects).toContainEqual({ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'techops' });
  });

  it("the Service reaches serve's --listen port, selects the serve pods, and the ServiceMonitor selects the Service", () => {
    const dep = one('Deployment');
    const c = dep.spec.template.spec.containers[0];
    const listen = arg(c.args, 'listen')!;
    expect(listen).toMatch(/^0\.0\.0\.0:\d+$/);
    const port = Number(listen.split(':')[1]);
    const svc = one('Service');
    const sp = svc.spec.ports[0];
    const cp = c.ports.find((p: { name: string; containerPort: number }) => p.name === sp.targetPort || p.containerPort === sp.targetPort);
    expect(cp?.containerPort).toBe(port);
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(dep.spec.template.metadata.labels[k], k).toBe(v);
    // the selector picks the serve pods only, not the CronJob's
    const scanLabels = podSpecs().find((p) => p.owner.startsWith('CronJob'))!.labels;
    expect(Object.entries(svc.spec.selector).every(([k, v]) => scanLabels[k] === v)).toBe(false);
    const sm = one('ServiceMonitor');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels![k], k).toBe(v);
    expect(sm.spec.endpoints[0].port).toBe(sp.name);
    expect(sm.spec.endpoints[0].path ?? '/metrics').toBe('/metrics');
    const probes = [c.readinessProbe.httpGet, c.livenessProbe.httpGet];
    expect(probes.map((p: { path: string }) => p.path)).toEqual(['/readyz', '/healthz']);
  });

  it.skipIf(!existsSync('/usr/bin/kubectl') && !process.env.KUBECTL)('renders with kubectl kustomize, base and overlay, to the same objects', () => {
    const kubectl = process.env.KUBECTL ?? '/usr/bin/kubectl';
    const render = (dir: string) => {
      const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return parseAllDocuments(r.stdout).map((d) => d.toJS() as Obj);
    };
    const base = render(BASE);
    // kustomize adds a content hash to the generated ConfigMap's name (and to its references)
    const names = (list: Obj[]) => list.map((o) => `${o.kind}/${o.kind === 'ConfigMap' ? o.metadata.name.replace(/-[a-z0-9]{10}$/, '') : o.metadata.name}`).sort();
    expect(names(base)).toEqual(names(objs));
    const dep = base.find((o) => o.kind === 'Deployment')!;
    expect(dep.spec.template.spec.volumes.find((v: { configMap?: unknown }) => v.configMap).configMap.name).toBe(base.find((o) => o.kind === 'ConfigMap')!.metadata.name);
    expect(base.find((o) => o.kind === 'ServiceMonitor')!.metadata.namespace).toBe('techops');
    const overlay = render(resolve('deploy/overlays/cronjob-only'));
    expect(overlay.map((o) => o.kind).sort()).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'CronJob', 'Namespace', 'ServiceAccount']);
    expect(overlay.find((o) => o.kind === 'CronJob')!.spec.suspend).toBe(false);
  });
});

describe('the container image and the systemd units', () => {
  const dockerfile = readFileSync('deploy/Dockerfile', 'utf8');
  it('builds in two stages, drops dev dependencies, runs as a numeric non-root user with techops as entrypoint', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    const user = [...dockerfile.matchAll(/^USER (\S+)/gm)].at(-1)?.[1];
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["techops"\]/m);
    // the user the pods run as is the image's
    for (const { spec } of podSpecs()) expect(String(spec.securityContext.runAsUser)).toBe(user!.split(':')[0]);
    // everything the Dockerfile copies from the context exists
    for (const m of dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)) for (const p of m[1].split(/\s+/)) expect(existsSync(p), p).toBe(true);
  });

  it('the systemd units run techops as its own user, sandboxed, writing only the state directory', () => {
    const serve = readFileSync('deploy/systemd/techops.service', 'utf8');
    const scan = readFileSync('deploy/systemd/techops-scan.service', 'utf8');
    for (const unit of [serve, scan]) {
      expect(unit).toMatch(/^User=techops$/m);
      expect(unit).toMatch(/^ProtectSystem=strict$/m);
      expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
      expect(unit).toMatch(/^StateDirectory=techops$/m);
    }
    expect(serve).toMatch(/^ExecStart=\S+techops serve .*--listen 127\.0\.0\.1:9700/m);
    expect(scan).toMatch(/^ExecStart=\S+techops scan /m);
    expect(readFileSync('deploy/systemd/techops-scan.timer', 'utf8')).toMatch(/^OnCalendar=/m);
  });
});
