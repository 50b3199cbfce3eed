import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../src/zod-path.js';

/**
 * Reads the configuration Alertmanager reports in /api/v2/status `config.original`: the loaded
 * config marshalled back to YAML by Alertmanager itself (secrets shown as <secret>, defaults
 * filled in). Only the route tree, the receivers and the inhibition rules matter here.
 */

interface RawRoute {
  receiver?: string | null;
  group_by?: string[] | null;
  continue?: boolean | null;
  match?: Record<string, string> | null;
  match_re?: Record<string, string> | null;
  matchers?: string[] | null;
  routes?: RawRoute[] | null;
}

// YAML turns an empty key (`routes:`) into null, so every optional field is nullish.
const routeSchema: z.ZodType<RawRoute> = z.lazy(() =>
  z.object({
    receiver: z.string().nullish(),
    group_by: z.array(z.string()).nullish(),
    continue: z.boolean().nullish(),
    match: z.record(z.string(), z.string()).nullish(),
    match_re: z.record(z.string(), z.string()).nullish(),
    matchers: z.array(z.string()).nullish(),
    routes: z.array(routeSchema).nullish(),
  }),
);

const amConfigSchema = z.object({
  // Alertmanager refuses to load a config without a root route, so its absence means this is not one.
  route: routeSchema,
  receivers: z.array(z.object({ name: z.string() }).catchall(z.unknown())).nullish(),
  inhibit_rules: z.array(z.unknown()).nullish(),
});

type Receiver = { name: string } & Record<string, unknown>;

export class ConfigAnalysisError extends Error {
  override name = 'ConfigAnalysisError';
}

export interface RouteFacts {
  /** `route`, `route.routes[1]`, `route.routes[1].routes[0]` … */
  path: string;
  /** The receiver alerts matching this route go to (inherited from the parent when not set). */
  receiver: string | undefined;
  parentReceiver: string | undefined;
  groupBy: string[];
  continue: boolean;
  /** Label names the route matches on, from match, match_re and matchers. */
  labels: string[];
}

export interface ConfigFacts {
  routes: RouteFacts[];
  grouping: { value: boolean; routes: string[] };
  severityRouting: { value: boolean; routes: string[] };
  integrations: { kinds: string[]; routedReceivers: string[]; unroutedReceivers: string[] };
  escalation: { value: boolean; reasons: string[] };
  inhibitRules: number;
}

/** Integration kinds that page a person and escalate on their own (schedules, escalation policies). */
const PAGING_KINDS = ['pagerduty', 'opsgenie', 'victorops'];
/** Webhook targets recognisably an on-call tool; a masked URL (<secret>) never matches. */
const ONCALL_URL = /pagerduty|opsgenie|victorops|on-?call|squadcast|ilert|zenduty|incident\.io|firehydrant|rootly|spike\.sh/i;
const SEVERITY_LABEL = /severity|priority/i;

export function analyseConfig(original: string): ConfigFacts {
  let raw: unknown;
  try {
    raw = parseYaml(original);
  } catch (err) {
    // The first line names the problem and its position; the rest is a snippet of the config.
    const first = String((err as Error).message).split('\n')[0];
    throw new ConfigAnalysisError(`config.original is not valid YAML: ${first}`);
  }
  const parsed = amConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = formatIssues(parsed.error).slice(0, 3).join('; ');
    throw new ConfigAnalysisError(`config.original is not an Alertmanager configuration: ${issues}`);
  }
  const config = parsed.data;

  const routes: RouteFacts[] = [];
  const walk = (route: RawRoute, path: string, parentReceiver: string | undefined) => {
    const receiver = route.receiver ?? parentReceiver;
    const labels = [
      ...Object.keys(route.match ?? {}),
      ...Object.keys(route.match_re ?? {}),
      ...(route.matchers ?? []).flatMap(matcherLabelNames),
    ];
    routes.push({
      path, receiver, parentReceiver,
      groupBy: route.group_by ?? [],
      continue: route.continue === true,
      labels: [...new Set(labels)],
    });
    (route.routes ?? []).forEach((child, i) => walk(child, `${path}.routes[${i}]`, receiver));
  };
  walk(config.route, 'route', undefined);
  const children = routes.slice(1);

  // group_by: ['...'] groups by every label, which puts each alert in a group of its own.
  const grouping = routes.filter((r) => r.groupBy.some((l) => l !== '...'));
  const severityRoutes = children.filter((r) => r.labels.some((l) => SEVERITY_LABEL.test(l)));

  const receivers = new Map<string, Receiver>((config.receivers ?? []).map((r) => [r.name, r as Receiver]));
  // Alertmanager does not even start a receiver no route names; its integrations cannot notify anyone.
  const routed = new Set(routes.map((r) => r.receiver).filter((n): n is string => n !== undefined));
  const kindsOf = (r: Receiver | undefined) =>
    Object.entries(r ?? {})
      .filter(([key, value]) => key.endsWith('_configs') && Array.isArray(value) && value.length > 0)
      .map(([key]) => key.slice(0, -'_configs'.length));
  const kinds = new Set([...routed].flatMap((name) => kindsOf(receivers.get(name))));

  const paging = [...routed].filter((name) => {
    const r = receivers.get(name);
    if (kindsOf(r).some((k) => PAGING_KINDS.includes(k))) return true;
    const hooks = Array.isArray(r?.webhook_configs) ? (r.webhook_configs as unknown[]) : [];
    return hooks.some((h) => typeof (h as { url?: unknown })?.url === 'string' && ONCALL_URL.test((h as { url: string }).url));
  });
  const continuing = children.filter((r) => r.continue);
  const reasons: string[] = [];
  if (continuing.length > 0 && paging.length > 0) {
    reasons.push(`continue: true on ${continuing.map((r) => r.path).join(', ')} with paging receiver ${paging.sort().join(', ')}`);
  }
  for (const r of severityRoutes) {
    if (r.receiver !== r.parentReceiver) reasons.push(`${r.path} routes on ${r.labels.filter((l) => SEVERITY_LABEL.test(l)).join(', ')} to ${r.receiver} instead of ${r.parentReceiver}`);
  }

  return {
    routes,
    grouping: { value: grouping.length > 0, routes: grouping.map((r) => `${r.path} by ${r.groupBy.join(', ')}`) },
    severityRouting: { value: severityRoutes.length > 0, routes: severityRoutes.map((r) => `${r.path} → ${r.receiver}`) },
    integrations: {
      kinds: [...kinds].sort(),
      routedReceivers: [...routed].sort(),
      unroutedReceivers: [...receivers.keys()].filter((n) => !routed.has(n)).sort(),
    },
    escalation: { value: reasons.length > 0, reasons },
    inhibitRules: config.inhibit_rules?.length ?? 0,
  };
}

/**
 * Label names of one `matchers` entry. An entry may hold several comma-separated matchers,
 * optionally in braces: `severity="critical"`, `{team=~"db|storage", env!=dev}`; since 0.27 a
 * label name may be quoted.
 */
export function matcherLabelNames(entry: string): string[] {
  let text = entry.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  const names: string[] = [];
  for (const part of splitOutsideQuotes(text)) {
    const m = /^\s*("(?:[^"\\]|\\.)*"|[^=!~\s"]+)\s*(=~|!~|!=|=)/.exec(part);
    if (!m) continue;
    names.push(m[1].startsWith('"') ? unquote(m[1]) : m[1]);
  }
  return names;
}

function unquote(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // A Go escape JSON does not know (\a, \x41): the name without its quotes is close enough to test it.
    return quoted.slice(1, -1);
  }
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') {
      current += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.filter((p) => p.trim() !== '');
}
