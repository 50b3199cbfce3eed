import type { Report } from '../schema.js';
import { bi, biField, biReason, biText, biVerbatim, zhField, zhList } from './bilingual.js';
import { html, isWebUrl, type Html } from './escape.js';
import { formatValue } from './format.js';
import { label, type LabelKey } from './labels.js';

type Criterion = Report['criteria'][number];
type Capability = Report['capabilities'][number];
type Evidence = Report['evidence'][number];
type SignalSummary = Report['signals'][number];
type CriterionSignal = Criterion['signals'][number];

/** What the drill-down looks things up in: evidence by id, signals by id. */
export interface Lookup {
  evidence: Map<string, Evidence>;
  signals: Map<string, SignalSummary>;
}

export function lookupOf(report: Report): Lookup {
  return {
    evidence: new Map(report.evidence.map((e) => [e.id, e])),
    signals: new Map(report.signals.map((s) => [s.id, s])),
  };
}

export const status = (s: string) => html`<span class="status st-${s}">${label(s as LabelKey)}</span>`;

/** The evidence records behind a value, each with its request, time and digest, linked to the full record. */
export function evidenceRows(ids: readonly string[], lookup: Lookup): Html {
  if (ids.length === 0) return html`<p class="muted">${label('noEvidence')}</p>`;
  return html`<table class="evidence"><thead><tr><th>${label('evidence')}</th><th>${label('request')}</th><th>${label('status')}</th><th>${label('time')}</th><th>${label('digest')}</th></tr></thead><tbody>${ids.map((id) => {
    const e = lookup.evidence.get(id);
    if (!e) return html`<tr><td><code>${id}</code></td><td colspan="4" class="muted">—</td></tr>`;
    return html`<tr><td><a href="#${e.id}">${e.id}</a></td><td><code class="url">${e.method} ${e.url}</code></td><td>${e.status ?? (e.error ? biVerbatim(e.error) : '')}</td><td><time>${e.started_at}</time></td><td><code class="digest">${e.sha256 ?? '—'}</code></td></tr>`;
  })}</tbody></table>`;
}

export function objectsText(o: { total: number; sample: string[] }): Html {
  const more = o.total > o.sample.length;
  return html`<strong>${o.total}</strong>${o.sample.length ? html`: ${o.sample.join(', ')}` : ''}${more ? html` … <span class="muted">(${o.sample.length} / ${o.total})</span>` : ''}`;
}

function signalBlock(s: CriterionSignal, lookup: Lookup): Html {
  const decl = lookup.signals.get(s.id);
  const value = s.value !== undefined ? formatValue(s.value, decl?.type, decl?.unit) : undefined;
  return html`<div class="signal" data-signal="${s.id}">
<p><code>${s.id}</code> ${status(s.status)}${value !== undefined ? html` <strong class="value">${value}</strong>` : ''}${s.reason ? html` <span class="muted">${biReason(s)}</span>` : ''}</p>
${decl ? html`<p class="desc">${bi(decl.description, zhField(decl, 'description'))}</p>` : ''}
${s.objects ? html`<p>${label('objects')}: ${objectsText(s.objects)}</p>` : ''}
${s.notes?.length ? html`<ul class="notes">${s.notes.map((n, i) => html`<li>${zhList(s, 'notes', s.notes!.length)[i] === undefined ? biVerbatim(n) : bi(n, zhList(s, 'notes', s.notes!.length)[i])}</li>`)}</ul>` : ''}
${evidenceRows(s.evidence, lookup)}
</div>`;
}

export function attestationBlock(a: NonNullable<Criterion['attestation']>): Html {
  return html`<div class="attestation${a.expired ? ' expired' : ''}"><p><strong>${label('attestation')}</strong>: ${bi(a.statement, zhField(a, 'statement'))}</p>
<p>${label('by')}: ${a.by} · ${label('date')}: ${a.date} · ${label('expires')}: ${a.expires}${a.expires_stated ? html` (${label('statedExpiry')} ${a.expires_stated})` : ''} · ${a.expired ? html`<span class="status st-not_met">${label('expired')}</span>` : html`<span class="status st-met">${label('valid')}</span>`}</p>
<p>${label('evidence')}: ${isWebUrl(a.evidence) ? html`<a href="${a.evidence}" rel="noreferrer noopener">${a.evidence}</a>` : a.evidence}</p></div>`;
}

function criterionBlock(c: Criterion, lookup: Lookup): Html {
  const params = Object.entries(c.parameters);
  const reasonsZh = zhList(c, 'reasons', c.reasons.length);
  return html`<section class="criterion st-${c.status}" id="crit-${c.id}">
<h4><span class="crit-id">${c.id}</span> ${status(c.status)} <span class="muted">${label('level')} ${c.level}${c.basis ? html` · ${label('basis')}: ${label(c.basis)}` : ''}</span></h4>
<p class="crit-text">${biText(c.text)}</p>
<p class="explanation">${biField(c, 'explanation')}</p>
${c.reasons.length ? html`<ul class="reasons">${c.reasons.map((r, i) => html`<li>${bi(r, reasonsZh[i])}</li>`)}</ul>` : ''}
${c.missing?.length ? html`<p>${label('missing')}: ${c.missing.map((m, i) => html`${i ? ', ' : ''}${label(m === 'data' ? 'missingData' : 'missingAttestation')}`)}</p>` : ''}
<dl>
${c.check ? html`<dt>${label('check')}</dt><dd><code>${c.check}</code>${c.measurement ? html` · ${label('measurement')}: ${status(c.measurement)}` : ''}</dd>` : ''}
${c.attest ? html`<dt>${label('attest')}</dt><dd>${biField(c, 'attest')}${c.measured ? html` <span class="muted">(${label(c.measured === 'required' ? 'measuredRequired' : 'measuredSupporting')})</span>` : ''}</dd>` : ''}
${c.why ? html`<dt>${label('why')}</dt><dd>${biField(c, 'why')}</dd>` : ''}
${c.reading ? html`<dt>${label('reading')}</dt><dd>${biField(c, 'reading')}</dd>` : ''}
${params.length ? html`<dt>${label('parameters')}</dt><dd>${params.map(([k, v], i) => html`${i ? ', ' : ''}<code>${k} = ${String(v)}</code>`)}</dd>` : ''}
</dl>
${c.attestation ? attestationBlock(c.attestation) : ''}
${c.signals.length ? html`<div class="signals"><h5>${label('signals')}</h5>${c.signals.map((s) => signalBlock(s, lookup))}</div>` : html`<p class="muted">${label('noSignals')}</p>`}
</section>`;
}

/** An item's drill-down: its criteria level by level, each with its signals and the evidence behind them. */
export function itemBlock(cap: Capability, criteria: readonly Criterion[], lookup: Lookup): Html {
  const blockers = cap.blockers.length
    ? html`<ul class="blockers">${cap.blockers.map((b) => html`<li><a href="#crit-${b.criterion}">${b.criterion}</a> ${status(b.status)} ${bi(b.reason, zhField(b, 'reason'))}</li>`)}</ul>`
    : html`<p>${label('blockers')}: ${label('none')}</p>`;
  return html`<details class="item" id="item-${cap.id}" data-item="${cap.id}">
<summary><span class="item-id">${cap.id}</span> <span class="item-title">${biText(cap.title)}</span> <span class="lvl-badge lvl-${cap.level}">${label('level')} ${cap.level}</span> <span class="muted">${label('ceiling')} ${cap.ceiling}</span> <span class="counts"><span class="st-met">✓ ${cap.counts.met}</span> <span class="st-not_met">✗ ${cap.counts.not_met}</span> <span class="st-unknown">? ${cap.counts.unknown}</span></span></summary>
<div class="item-body">
${cap.blockers.length ? html`<h4>${label('blockers')}</h4>` : ''}${blockers}
${criteria.map((c) => criterionBlock(c, lookup))}
</div>
</details>`;
}
