import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A small ServiceNow instance for the fault suite (there is no ServiceNow in the sample estate):
 * the Table API (GET /api/now/table/{table}) as the collector's own tests shape it — `{ result }`,
 * every field a string, sysparm_offset/sysparm_limit paging, `Link: <…>;rel="next"` on every page
 * but the last, and X-Total-Count on every table but those in `linkOnly` (an instance behind a
 * proxy that drops the header), which the collector reads by following rel="next" page by page.
 */
const ci = (sys_id: string, name: string, cls: string, o: Record<string, string> = {}) => ({
  sys_id, name, sys_class_name: cls, install_status: '1', owned_by: '', managed_by: '', support_group: '', discovery_source: '', last_discovered: '', sys_updated_on: '2026-11-01 08:00:00', ...o,
});
const audit = (user: string, at: string) => ({ tablename: 'cmdb_ci_linux_server', documentkey: 'a4', fieldname: 'install_status', user, sys_created_on: at, oldvalue: '1', newvalue: '7' });

const TABLES: Record<string, Record<string, string>[]> = {
  cmdb_ci: [
    ci('a1', 'k8s-node-1', 'cmdb_ci_kubernetes_node', { owned_by: 'u1', discovery_source: 'ServiceNow', last_discovered: '2026-11-19 23:00:00' }),
    ci('a2', 'k8s-node-2', 'cmdb_ci_kubernetes_node', { discovery_source: 'ServiceNow', last_discovered: '2026-11-19 23:00:00' }),
    ci('a3', 'Checkout', 'cmdb_ci_service', { support_group: 'g1', discovery_source: 'Manual Entry' }),
    ci('a4', 'db-01', 'cmdb_ci_linux_server', { install_status: '7', managed_by: 'u2' }),
    ci('a5', 'Payments', 'cmdb_ci_business_app', { owned_by: 'u3' }),
  ],
  cmdb_rel_ci: [{ parent: 'a3', child: 'a1' }, { parent: 'a1', child: 'a4' }, { parent: 'a5', child: 'a3' }, { parent: 'a3', child: 'a2' }, { parent: 'a5', child: 'a4' }],
  sys_dictionary: [{ name: 'cmdb_ci', element: 'u_cost_center' }, { name: 'cmdb_ci_server', element: 'u_rack_unit' }],
  sys_audit: [audit('admin', '2026-01-01 00:00:00'), audit('system', '2026-11-01 02:00:00'), audit('system', '2026-11-02 02:00:00'), audit('alice', '2026-11-03 10:00:00')],
};

/** Answers only basic authentication as `user`:`password` (ServiceNow's usual integration user). */
export function servicenowHandler(user: string, password: string, linkOnly: string[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`) return send(401, { error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' }, status: 'failure' });
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const table = /^\/api\/now\/table\/([a-z_]+)$/.exec(url.pathname)?.[1];
    if (!table || !TABLES[table]) return send(404, { error: { message: 'Invalid table', detail: null }, status: 'failure' });
    const q = url.searchParams;
    const query = q.get('sysparm_query') ?? '';
    const after = /sys_created_on>=([^^]+)/.exec(query)?.[1];
    const before = /sys_created_on<([^^]+)/.exec(query)?.[1];
    let rows = TABLES[table].filter((r) => (!after || r.sys_created_on >= after) && (!before || r.sys_created_on < before));
    if (/ORDERBYsys_created_on/.test(query)) rows = [...rows].sort((a, b) => a.sys_created_on.localeCompare(b.sys_created_on));
    const fields = q.get('sysparm_fields')?.split(',');
    const limit = Number(q.get('sysparm_limit') ?? 10000);
    const offset = Number(q.get('sysparm_offset') ?? 0);
    const page = rows.slice(offset, offset + limit).map((r) => (fields ? Object.fromEntries(fields.map((f) => [f, r[f] ?? ''])) : r));
    const at = (o: number) => { const u = new URL(url); u.searchParams.set('sysparm_offset', String(o)); return `<${u}>;rel="${o === 0 ? 'first' : 'next'}"`; };
    const link = [at(0), ...(offset + limit < rows.length ? [at(offset + limit)] : [])].join(',');
    send(200, { result: page }, { Link: link, ...(linkOnly.includes(table) ? {} : { 'X-Total-Count': String(rows.length) }) });
  };
}
