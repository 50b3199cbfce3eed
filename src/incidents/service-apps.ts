import { z } from 'zod';

/**
 * The `service_apps` block every incident collector's config takes: the tool's service name →
 * the deployment app(s) (`owner/name` on GitHub, `group/project` on GitLab) that deploy it. It
 * links incidents to deployments where the names differ; services it leaves out are matched by
 * normalised name (./change-failure.ts).
 */
export const serviceAppsSchema = z
  .record(z.string().min(1), z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]))
  .default({})
  .describe('Service name in the incident tool → the deployment app(s) that deploy it (owner/name, group/project), for change failure from incidents; services not named here are matched by normalised name.');

export type ServiceApps = z.infer<typeof serviceAppsSchema>;

/** The apps the mapping gives for any of the names, or undefined when it names none of them. */
export function appsFor(mapping: ServiceApps, names: readonly string[]): string[] | undefined {
  const byName = new Map(Object.entries(mapping).map(([k, v]) => [k.trim().toLowerCase(), typeof v === 'string' ? [v] : v]));
  const apps = [...new Set(names.flatMap((n) => byName.get(n.trim().toLowerCase()) ?? []))];
  return apps.length ? apps : undefined;
}
