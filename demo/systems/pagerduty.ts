import type { IncomingMessage, ServerResponse } from 'node:http';
import { reply } from '../http.js';
import { pick, seeded } from '../random.js';

/**
 * A fake PagerDuty account for the sample estate: REST API v2 shapes (list bodies under their
 * plural key with classic limit/offset/more pagination, references as { id, type, summary },
 * log entries with agent, channel and incident), generated deterministically from a seed. The
 * figures are drawn from plausible spreads, not aimed at any level.
 */

const DAY = 86_400_000;
const MIN = 60_000;

interface Ref { id: string; type: string; summary: string }
const ref = (type: string, id: string, summary = id): Ref => ({ id, type, summary });

export interface PdIncident {
  id: string;
  incident_number: number;
  title: string;
  status: 'triggered' | 'acknowledged' | 'resolved';
  urgency: 'high' | 'low';
  created_at: string;
  resolved_at: string | null;
  service: Ref;
  priority: (Ref & { name: string }) | null;
}

export interface PdLogEntry {
  id: string;
  type: string;
  summary: string;
  created_at: string;
  agent: Ref;
  channel: { type: string };
  incident: Ref;
}

export interface PagerdutyAccount {
  services: { id: string; type: 'service'; name: string; status: string; escalation_policy: Ref }[];
  escalationPolicies: { id: string; type: 'escalation_policy'; name: string; escalation_rules: { id: string; escalation_delay_in_minutes: number; targets: Ref[] }[] }[];
  schedules: { id: string; type: 'schedule'; name: string; time_zone: string }[];
  priorities: { id: string; type: 'priority'; name: string; description: string }[];
  incidents: PdIncident[];
  logEntries: PdLogEntry[];
  /** Users in each schedule's rotation, and whether the schedule covers office hours only. */
  rotations: { schedule: string; users: string[]; officeHoursOnly: boolean; shiftDays: number }[];
}

const USERS = ['PUZHANG', 'PULIWEI', 'PUCHEN', 'PUWANG', 'PUZHAO', 'PUSUN'];

export function generatePagerdutyAccount(now: Date, seed = 1756, count = 300): PagerdutyAccount {
  const rand = seeded(seed + 12);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  // log-normal around a median (minutes), spread sigma
  const lognormal = (medianMin: number, sigma: number) => medianMin * Math.exp(sigma * gauss()) * MIN;

  const escalationPolicies: PagerdutyAccount['escalationPolicies'] = [
    { id: 'PEPCRIT', type: 'escalation_policy', name: 'Shop critical', escalation_rules: [
      { id: 'PRC1', escalation_delay_in_minutes: 10, targets: [ref('schedule_reference', 'PSPRIM', 'Primary on-call')] },
      { id: 'PRC2', escalation_delay_in_minutes: 15, targets: [ref('schedule_reference', 'PSSEC', 'Secondary on-call')] },
      { id: 'PRC3', escalation_delay_in_minutes: 30, targets: [ref('user_reference', 'PUZHANG', 'Zhang Min')] },
    ] },
    { id: 'PEPSTD', type: 'escalation_policy', name: 'Shop standard', escalation_rules: [
      { id: 'PRS1', escalation_delay_in_minutes: 15, targets: [ref('schedule_reference', 'PSPRIM', 'Primary on-call')] },
      { id: 'PRS2', escalation_delay_in_minutes: 30, targets: [ref('user_reference', 'PUZHANG', 'Zhang Min')] },
    ] },
    { id: 'PEPDBA', type: 'escalation_policy', name: 'Database', escalation_rules: [
      { id: 'PRD1', escalation_delay_in_minutes: 20, targets: [ref('schedule_reference', 'PSDBA', 'DBA office hours')] },
    ] },
    { id: 'PEPBO', type: 'escalation_policy', name: 'Back office', escalation_rules: [
      { id: 'PRB1', escalation_delay_in_minutes: 30, targets: [ref('user_reference', 'PUSUN', 'Sun Hao')] },
    ] },
  ];
  const svc = (id: string, name: string, policy: string) => ({ id, type: 'service' as const, name, status: 'active', escalation_policy: ref('escalation_policy_reference', policy) });
  const services = [
    svc('PSVCHK', 'checkout', 'PEPCRIT'), svc('PSVPAY', 'payments', 'PEPCRIT'), svc('PSVSRC', 'search', 'PEPSTD'),
    svc('PSVCAT', 'catalog', 'PEPSTD'), svc('PSVACC', 'accounts', 'PEPSTD'), svc('PSVDB', 'postgres', 'PEPDBA'),
    svc('PSVRPT', 'batch-reports', 'PEPBO'), svc('PSVWIKI', 'internal-wiki', 'PEPBO'),
  ];
  const schedules: PagerdutyAccount['schedules'] = [
    { id: 'PSPRIM', type: 'schedule', name: 'Primary on-call', time_zone: 'Asia/Shanghai' },
    { id: 'PSSEC', type: 'schedule', name: 'Secondary on-call', time_zone: 'Asia/Shanghai' },
    { id: 'PSDBA', type: 'schedule', name: 'DBA office hours', time_zone: 'Asia/Shanghai' },
  ];
  const rotations = [
    { schedule: 'PSPRIM', users: USERS.slice(1, 5), officeHoursOnly: false, shiftDays: 7 },
    { schedule: 'PSSEC', users: USERS.slice(0, 4).reverse(), officeHoursOnly: false, shiftDays: 7 },
    { schedule: 'PSDBA', users: ['PUCHEN'], officeHoursOnly: true, shiftDays: 1 },
  ];
  const priorities = ['P1', 'P2', 'P3', 'P4', 'P5'].map((name, i) => ({ id: `PPRI${i + 1}`, type: 'priority' as const, name, description: ['Critical', 'High', 'Moderate', 'Low', 'Informational'][i] }));
  // How often each service has incidents (the shop's busy services page more).
  const weights = [0.2, 0.15, 0.15, 0.12, 0.1, 0.12, 0.1, 0.06];

  const incidents: PdIncident[] = [];
  const logEntries: PdLogEntry[] = [];
  const start = now.getTime() - 90 * DAY;
  const times = Array.from({ length: count }, () => start + rand() * 90 * DAY).sort((a, b) => a - b);
  let entryId = 0;
  const log = (type: string, t: number, agent: Ref, channel: string, incident: Ref) =>
    logEntries.push({ id: `PLE${++entryId}`, type, summary: type.replace(/_log_entry$/, ''), created_at: new Date(t).toISOString(), agent, channel: { type: channel }, incident });

  times.forEach((created, n) => {
    let r = rand();
    let s = 0;
    while (r > weights[s] && s < weights.length - 1) r -= weights[s++];
    const service = services[s];
    const policy = escalationPolicies.find((p) => p.id === service.escalation_policy.id)!;
    const urgency: 'high' | 'low' = s >= 6 ? (rand() < 0.2 ? 'high' : 'low') : rand() < 0.65 ? 'high' : 'low';
    const pr = urgency === 'high' ? rand() : 1;
    const priority = pr < 0.04 ? priorities[0] : pr < 0.12 ? priorities[1] : pr < 0.35 ? priorities[2] : null;
    const id = `PINC${(1000 + n).toString(36).toUpperCase()}`;
    const incRef = ref('incident_reference', id, `#${n + 1}`);
    const byMonitoring = rand() < 0.82;
    const oncallUser = pick(rand, USERS.slice(1, 5));
    const user = ref('user_reference', oncallUser);
    const integration = ref('generic_events_api_inbound_integration_reference', `PINT${s}`, `${service.name} alerts`);
    log('trigger_log_entry', created, byMonitoring ? integration : user, byMonitoring ? 'api' : 'web_trigger', incRef);
    log('notify_log_entry', created + 5_000, ref('service_reference', service.id), 'auto', incRef);

    const age = now.getTime() - created;
    // Transient alerts that clear before anyone acts: resolved by the integration.
    const transient = byMonitoring && rand() < 0.22;
    let status: PdIncident['status'] = 'resolved';
    let resolvedAt: number | undefined;
    if (transient) {
      resolvedAt = created + lognormal(6, 0.6);
      if (resolvedAt > now.getTime()) { status = 'triggered'; resolvedAt = undefined; }
      else log('resolve_log_entry', resolvedAt, integration, 'api', incRef);
    } else {
      const ackDelay = urgency === 'high' ? lognormal(priority && priority.name <= 'P2' ? 1.5 : 3, 0.9) : lognormal(25, 1);
      const ackAt = created + ackDelay;
      if (ackDelay > policy.escalation_rules[0].escalation_delay_in_minutes * MIN && policy.escalation_rules.length > 1) {
        log('escalate_log_entry', created + policy.escalation_rules[0].escalation_delay_in_minutes * MIN, ref('service_reference', service.id), 'timeout', incRef);
      }
      if (ackAt > now.getTime()) {
        status = 'triggered';
      } else {
        log('acknowledge_log_entry', ackAt, user, rand() < 0.6 ? 'mobile' : 'web_ui', incRef);
        if (rand() < 0.5) log('annotate_log_entry', ackAt + lognormal(4, 0.7), user, 'note', incRef);
        const fix = urgency === 'high' ? lognormal(priority && priority.name <= 'P2' ? 12 : 28, 1.1) : lognormal(180, 1.2);
        resolvedAt = ackAt + fix;
        if (resolvedAt > now.getTime() || (age < 3 * DAY && rand() < 0.4)) {
          status = 'acknowledged';
          resolvedAt = undefined;
        } else {
          // the monitor clears the alert after the fix in most cases; a person resolves the rest
          if (byMonitoring && rand() < 0.6) log('resolve_log_entry', resolvedAt, integration, 'api', incRef);
          else log('resolve_log_entry', resolvedAt, user, 'web_ui', incRef);
        }
      }
    }
    incidents.push({
      id, incident_number: n + 1, title: `${service.name}: ${byMonitoring ? 'alert' : 'reported problem'} ${n + 1}`, status, urgency,
      created_at: new Date(created).toISOString(), resolved_at: resolvedAt ? new Date(resolvedAt).toISOString() : null,
      service: ref('service_reference', service.id, service.name),
      priority: priority ? { ...ref('priority', priority.id, priority.name), name: priority.name } : null,
    });
  });
  return { services, escalationPolicies, schedules, priorities, incidents, logEntries, rotations };
}

/** On-call entries of the rotations over [since, until): weekly 24/7 shifts, or weekday office hours (01:00–10:00 UTC). */
function oncalls(account: PagerdutyAccount, since: number, until: number) {
  const out: { escalation_policy: Ref; escalation_level: number; schedule: Ref; user: Ref; start: string; end: string }[] = [];
  const epoch = Date.parse('2026-01-05T00:00:00Z'); // a Monday: shifts hand over on Mondays
  for (const r of account.rotations) {
    const schedule = account.schedules.find((s) => s.id === r.schedule)!;
    const policy = account.escalationPolicies.find((p) => p.escalation_rules.some((x) => x.targets.some((t) => t.id === r.schedule)))!;
    const level = policy.escalation_rules.findIndex((x) => x.targets.some((t) => t.id === r.schedule)) + 1;
    for (let d = Math.floor((since - epoch) / DAY) - 7; epoch + d * DAY < until; d++) {
      const dayStart = epoch + d * DAY;
      let start: number;
      let end: number;
      if (r.officeHoursOnly) {
        const weekday = new Date(dayStart).getUTCDay();
        if (weekday === 0 || weekday === 6) continue;
        start = dayStart + 1 * 3_600_000;
        end = dayStart + 10 * 3_600_000;
      } else {
        if (d % r.shiftDays !== 0) continue;
        start = dayStart;
        end = dayStart + r.shiftDays * DAY;
      }
      if (end <= since || start >= until) continue;
      const user = r.users[Math.floor(d / r.shiftDays) % r.users.length] ?? r.users[0];
      out.push({
        escalation_policy: ref('escalation_policy_reference', policy.id, policy.name), escalation_level: level,
        schedule: ref('schedule_reference', schedule.id, schedule.name), user: ref('user_reference', user),
        start: new Date(Math.max(start, since)).toISOString(), end: new Date(Math.min(end, until)).toISOString(),
      });
    }
  }
  return out;
}

export function pagerdutyHandler(account: PagerdutyAccount, token: string): (req: IncomingMessage, res: ServerResponse) => void {
  // Pages of one listing share its filter; computing it once per span keeps 10,000 incidents cheap.
  const filtered = new Map<string, unknown[]>();
  const memo = (key: string, make: () => unknown[]) => {
    let v = filtered.get(key);
    if (!v) filtered.set(key, (v = make()));
    return v;
  };
  return (req, res) => {
    if (req.headers.authorization !== `Token token=${token}`) {
      reply(res, 401, { error: { message: 'Unauthorized', code: 2006 } });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams;
    const limit = Math.min(100, Number(q.get('limit') ?? 25));
    const offset = Number(q.get('offset') ?? 0);
    const since = q.get('since') ? Date.parse(q.get('since')!) : -Infinity;
    const until = q.get('until') ? Date.parse(q.get('until')!) : Infinity;
    const inSpan = (iso: string) => { const t = Date.parse(iso); return t >= since && t < until; };
    const list = (key: string, items: unknown[]) => {
      // classic pagination reaches no further than offset + limit = 10,000, as on PagerDuty
      if (offset + limit > 10_000) return reply(res, 400, { error: { message: 'Invalid Input Provided', code: 2001, errors: ['Offset must be less than 10000.'] } });
      reply(res, 200, { [key]: items.slice(offset, offset + limit), limit, offset, more: offset + limit < items.length, total: q.get('total') === 'true' ? items.length : null });
    };
    switch (url.pathname) {
      case '/abilities': return reply(res, 200, { abilities: ['teams', 'read_only_users', 'urgencies', 'priorities'] });
      case '/services': return list('services', account.services);
      case '/escalation_policies': return list('escalation_policies', account.escalationPolicies);
      case '/schedules': return list('schedules', account.schedules);
      case '/priorities': return list('priorities', account.priorities);
      case '/oncalls': return list('oncalls', oncalls(account, Number.isFinite(since) ? since : Date.now(), Number.isFinite(until) ? until : Date.now() + DAY));
      case '/incidents': {
        const statuses = q.getAll('statuses[]');
        return list('incidents', memo(`i ${since} ${until} ${statuses.join()}`, () => account.incidents.filter((i) => inSpan(i.created_at) && (statuses.length === 0 || statuses.includes(i.status)))));
      }
      case '/log_entries': return list('log_entries', memo(`l ${since} ${until}`, () => account.logEntries.filter((e) => inSpan(e.created_at))));
      default: return reply(res, 404, { error: { message: 'Not Found', code: 2100 } });
    }
  };
}
