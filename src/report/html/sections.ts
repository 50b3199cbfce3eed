import { formatDuration } from '../../duration.js';
import { STANDARD } from '../build.js';
import { auditLabels } from '../i18n.js';
import type { Report } from '../schema.js';
import { bi, biText, biVerbatim, zhField } from './bilingual.js';
import { html, isWebUrl, type Html } from './escape.js';
import { formatValue } from './format.js';
import { evidenceRows, status, type Lookup } from './items.js';
import { label, type LabelKey } from './labels.js';

export function runFacts(report: Report): Html {
  const run = report.run;
  return html`<dl class="facts">
<dt>${label('assessment')}</dt><dd>${run.assessment.name}</dd>
${run.assessment.scope ? html`<dt>${label('scope')}</dt><dd>${run.assessment.scope}</dd>` : ''}
<dt>${label('window')}</dt><dd><time>${run.window.start}</time> → <time>${run.window.end}</time> (${formatDuration(run.window.seconds)})</dd>
<dt>${label('standard')}</dt><dd>${run.standard === STANDARD ? bi(STANDARD, auditLabels('zh').standardName) : run.standard}</dd>
<dt>${label('finished')}</dt><dd><time>${run.finished_at}</time></dd>
<dt>${label('tool')}</dt><dd>${run.tool.name} ${run.tool.version}</dd>
<dt>${label('rulesDigest')}</dt><dd><code class="digest">${run.rules_digest}</code></dd>
<dt>${label('configDigest')}</dt><dd><code class="digest">${run.config_digest}</code></dd>
</dl>`;
}

export function summaryCounts(report: Report): Html {
  const s = report.summary.criteria;
  return html`<p class="counts-line">${label('criteria')}: <span class="status st-met">${s.met} ${label('met')}</span> <span class="status st-not_met">${s.not_met} ${label('not_met')}</span> <span class="status st-unknown">${s.unknown} ${label('unknown')}</span> <span class="muted">(${s.unknown_no_data} ${label('unknownNoData')}, ${s.unknown_attestation_missing} ${label('unknownAttestation')})</span></p>
${report.collectors.length === 0 ? html`<p class="warning">${label('noCollectors')}</p>` : ''}`;
}

export function legend(): Html {
  return html`<ul class="legend"><li>${label('legendLevel')}</li><li>${label('legendCeiling')}</li><li>${label('legendBlockers')}</li></ul>`;
}

export function domainTable(report: Report): Html {
  return html`<table><thead><tr><th>${label('domain')}</th><th class="num">${label('meanLevel')}</th><th class="num">${label('minLevel')}</th><th class="num">${label('minCeiling')}</th><th>${label('items')}</th></tr></thead><tbody>${report.summary.domains.map((d) => html`<tr><td>${bi(d.en, d.zh)}</td><td class="num">${d.mean_level}</td><td class="num">${d.min_level}</td><td class="num">${d.min_ceiling}</td><td>${d.capabilities.map((id, i) => html`${i ? ' ' : ''}<a href="#item-${id}">${id}</a>`)}</td></tr>`)}</tbody></table>`;
}

export function claimsSection(report: Report): Html {
  if (!report.claims.length) return html``;
  return html`<section id="claims"><h2>${label('claims')}</h2><table><thead><tr><th>${label('item')}</th><th class="num">${label('claimed')}</th><th class="num">${label('level')}</th><th class="num">${label('ceiling')}</th><th>${label('verdict')}</th><th>${label('criteria')}</th></tr></thead><tbody>${report.claims.map((c) => html`<tr class="verdict-${c.verdict}"><td><a href="#item-${c.capability}">${c.capability}</a></td><td class="num">${c.claimed}</td><td class="num">${c.level}</td><td class="num">${c.ceiling}</td><td><span class="verdict v-${c.verdict}">${label(c.verdict)}</span></td><td><ul class="plain">${c.criteria.map((k) => html`<li><a href="#crit-${k.id}">${k.id}</a> ${status(k.status)}${k.reason ? html` ${bi(k.reason, zhField(k, 'reason'))}` : ''}</li>`)}</ul></td></tr>`)}</tbody></table></section>`;
}

export function doraSection(report: Report, lookup: Lookup): Html {
  if (!report.dora.length) return html``;
  return html`<section id="dora"><h2>${label('dora')}</h2><table><thead><tr><th>${label('figure')}</th><th>${label('value')}</th><th>${label('definition')}</th><th>${label('evidence')}</th></tr></thead><tbody>${report.dora.map((d) => html`<tr><td>${biText(d.title)}<br><code class="muted">${d.signal}</code></td><td>${d.value !== undefined ? html`<strong>${formatValue(d.value, undefined, d.unit)}</strong>` : html`${status(d.status)}${d.reason ? html` <span class="muted">${bi(d.reason, zhField(d, 'reason'))}</span>` : ''}`}</td><td>${bi(d.definition, zhField(d, 'definition'))}</td><td><details class="evidence-list"><summary>${d.evidence.length} ${label('evidenceRecords')}</summary>${evidenceRows(d.evidence, lookup)}</details></td></tr>`)}</tbody></table></section>`;
}

export function attestationsSection(report: Report): Html {
  const a = report.attestations;
  const used = a.used.length
    ? html`<table><thead><tr><th>${label('criterion')}</th><th>${label('statement')}</th><th>${label('by')}</th><th>${label('date')}</th><th>${label('expires')}</th><th>${label('evidence')}</th></tr></thead><tbody>${a.used.map((x) => html`<tr class="${x.expired ? 'expired' : ''}"><td><a href="#crit-${x.criterion}">${x.criterion}</a></td><td>${bi(x.statement, zhField(x, 'statement'))}</td><td>${x.by}</td><td>${x.date}</td><td>${x.expires}${x.expires_stated ? html` <span class="muted">(${label('statedExpiry')} ${x.expires_stated})</span>` : ''} ${x.expired ? html`<span class="status st-not_met">${label('expired')}</span>` : html`<span class="status st-met">${label('valid')}</span>`}</td><td>${isWebUrl(x.evidence) ? html`<a href="${x.evidence}" rel="noreferrer noopener">${x.evidence}</a>` : x.evidence}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${label('none')}</p>`;
  const ignored = a.ignored.length
    ? html`<h3>${label('ignored')}</h3><ul>${a.ignored.map((x) => html`<li><a href="#crit-${x.criterion}">${x.criterion}</a>: ${bi(x.reason, zhField(x, 'reason'))}</li>`)}</ul>`
    : '';
  return html`<section id="attestations"><h2>${label('attestations')}</h2>${used}${ignored}</section>`;
}

export function conflictsSection(report: Report): Html {
  const conflicts = report.attestations.conflicts;
  if (!conflicts.length) return html``;
  return html`<section id="conflicts"><h2>${label('conflicts')}</h2><table><thead><tr><th>${label('criterion')}</th><th>${label('decidedBy')}</th><th>${label('explanation')}</th></tr></thead><tbody>${conflicts.map((c) => html`<tr><td><a href="#crit-${c.criterion}">${c.criterion}</a></td><td>${c.decided_by ? label(c.decided_by === 'measurement' ? 'measurementDecides' : 'attestationDecides') : '—'}</td><td>${bi(c.message, zhField(c, 'message'))}</td></tr>`)}</tbody></table></section>`;
}

export function parametersSection(report: Report): Html {
  const p = report.parameters.overridden;
  if (!p.length) return html``;
  return html`<section id="parameters"><h2>${label('overridden')}</h2><table><thead><tr><th>${label('item')}</th><th>${label('parameter')}</th><th>${label('default')}</th><th>${label('value')}</th><th>${label('source')}</th></tr></thead><tbody>${p.map((x) => html`<tr><td><a href="#item-${x.capability}">${x.capability}</a></td><td><code>${x.name}</code></td><td>${String(x.default)}</td><td>${String(x.value)}</td><td>${x.source}</td></tr>`)}</tbody></table></section>`;
}

export function collectorsSection(report: Report): Html {
  if (!report.collectors.length) return html``;
  return html`<section id="collectors"><h2>${label('collectors')}</h2><table><thead><tr><th>${label('collector')}</th><th>${label('instance')}</th><th>${label('status')}</th><th class="num">${label('signals')}</th><th class="num">${label('requests')}</th><th class="num">${label('duration')}</th><th>${label('reason')}</th></tr></thead><tbody>${report.collectors.map((r) => html`<tr><td>${r.collector}</td><td>${r.instance}</td><td><span class="status cs-${r.status}">${label(r.status as LabelKey)}</span></td><td class="num">${r.signals_observed} / ${r.signals_declared}</td><td class="num">${r.requests}${r.requests_failed ? html` (${r.requests_failed} ${label('requestsFailed')})` : ''}</td><td class="num">${formatDuration(r.duration_ms / 1000)}</td><td>${r.status_reason ?? r.error ? biVerbatim((r.status_reason ?? r.error)!) : ''}</td></tr>`)}</tbody></table></section>`;
}

/** Every request, once, with an anchor the drill-down links to; the excerpt folded. */
export function evidenceSection(report: Report): Html {
  if (!report.evidence.length) return html``;
  return html`<section id="evidence"><h2>${label('evidenceRecords')}</h2><p class="muted">${label('evidenceNote')}</p><table class="evidence"><thead><tr><th>${label('evidence')}</th><th>${label('collector')}</th><th>${label('request')}</th><th>${label('status')}</th><th>${label('time')}</th><th class="num">${label('duration')}</th><th class="num">${label('bytes')}</th><th>${label('digest')}</th></tr></thead><tbody>${report.evidence.map((e) => html`<tr id="${e.id}"><td>${e.id}</td><td>${e.collector}/${e.instance}</td><td><code class="url">${e.method} ${e.url}</code>${e.redirects?.length ? html`<br><span class="muted">${label('redirectedFrom')} ${e.redirects.join(' → ')}</span>` : ''}${e.revalidated_from ? html`<br><span class="muted">${label('revalidated')} ${e.revalidated_from}</span>` : ''}${e.excerpt ? html`<details class="excerpt"><summary>${label('excerpt')}</summary><pre>${e.excerpt}</pre></details>` : ''}</td><td>${e.status ?? (e.error ? biVerbatim(e.error) : '')}${e.attempt > 1 ? html` <span class="muted">(${label('attempt')} ${e.attempt})</span>` : ''}</td><td><time>${e.started_at}</time></td><td class="num">${e.duration_ms} ms</td><td class="num">${e.bytes ?? ''}</td><td><code class="digest">${e.sha256 ?? '—'}</code></td></tr>`)}</tbody></table></section>`;
}
