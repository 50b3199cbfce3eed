/**
 * The engine's words, once: every explanation, reason, conflict and claim text is a message
 * code with parameters, rendered here in English and Chinese from the same facts. The report
 * keeps the English string (`explanation`, `reasons`, `message`, `reason`) as before and gains
 * the Chinese one beside it (`explanation_zh` …), so a reader of the JSON — the Markdown and
 * HTML renderers, a stored run read back by `history` or `diff` — needs no catalogue.
 *
 * A parameter is either language-neutral (a criterion id, a CEL expression, a signal value, a
 * person's name: shown as is) or a `Bilingual` (a nested message, a rule's attest text with its
 * Chinese form).
 */
export interface Bilingual {
  en: string;
  zh: string;
}

type Param = string | number | Bilingual;

const CATALOGUE = {
  'criterion.met': { en: 'met: {detail}', zh: '满足：{detail}' },
  'criterion.not_met': { en: 'not met: {detail}', zh: '不满足：{detail}' },
  'criterion.unknown': { en: 'unknown: {reasons}', zh: '未知：{reasons}' },
  'check.with_values': { en: '{check} with {values}', zh: '{check}，其中 {values}' },
  'check.value': { en: '{signal} = {value}', zh: '{signal} = {value}' },
  'check.value_missing': { en: '{signal} = ({status})', zh: '{signal} =（{status}）' },
  'check.not_boolean': { en: 'the check yielded {value}, not true or false', zh: '检查结果为 {value}，不是 true 或 false' },
  'check.signal_missing': { en: '{signal}: {reason}', zh: '{signal}：{reason}' },
  'check.value_needed': { en: 'a value the check needs is missing: {error}', zh: '检查所需的值缺失：{error}' },
  'check.not_evaluated': { en: 'the check could not be evaluated: {error}', zh: '检查无法求值：{error}' },
  'or.left': { en: 'the left-hand side', zh: '左侧条件' },
  'or.right': { en: 'the right-hand side', zh: '右侧条件' },
  'or.side': { en: 'side {i} of {n}', zh: '第 {i} 个条件（共 {n} 个）' },
  'or.through': { en: '{side} ({source})', zh: '{side}（{source}）' },
  'or.through_join': { en: ' or ', zh: '或' },
  'or.unseen': { en: "{side}'s signals were not collected ({signals})", zh: '{side}所读的信号未采集（{signals}）' },
  'or.met_through': { en: 'the check was met through {through} only; {unseen}', zh: '检查仅通过{through}满足；{unseen}' },
  'or.only_through': { en: '{unseen}, so the check can be met only through {through}', zh: '{unseen}，因此检查只能通过{through}满足' },
  'attestation.missing': { en: 'attestation missing: {attest}', zh: '缺少人工证明：{attest}' },
  'attestation.expired_by': { en: 'attestation by {by} {expiry}', zh: '{by} 的人工证明{expiry}' },
  'attestation.expired_on': { en: 'expired on {expires}', zh: '已于 {expires} 过期' },
  'attestation.expired_capped': {
    en: 'expired on {expires} (the longest an attestation holds after its date {date}; it says it expires on {stated})',
    zh: '已于 {expires} 过期（人工证明自其日期 {date} 起的最长有效期；其自述的过期日为 {stated}）',
  },
  'attestation.note': { en: 'attested by {by} on {date} ({evidence})', zh: '由 {by} 于 {date} 证明（{evidence}）' },
  'supporting.cannot_decide': {
    en: '{unknown}; the check only supports an attestation, it cannot decide alone (measured {seen})',
    zh: '{unknown}；该检查仅辅助人工证明，不能单独判定（测量结果：{seen}）',
  },
  'sufficient.not_shown': {
    en: '{unknown}; the systems read do not show it (measured {seen}), which is no evidence that it is missing: the attestation decides',
    zh: '{unknown}；所读取的系统未显示该能力（测量结果：{seen}），但这不能证明其不存在：以人工证明为准',
  },
  'sufficient.attested_unseen': {
    en: 'met: {note}; the systems read do not show it (a conflict for the auditor): not met: {why}',
    zh: '满足：{note}；所读取的系统未显示该能力（需审核人关注的冲突）：不满足：{why}',
  },
  'supporting.seen_unknown': { en: 'unknown ({reasons})', zh: '未知（{reasons}）' },
  'supporting.agrees': { en: 'met: {note}; the supporting check agrees: {why}', zh: '满足：{note}；辅助检查一致：{why}' },
  'supporting.disagrees': {
    en: 'met: {note}; the supporting check disagrees (a conflict for the auditor): not met: {why}',
    zh: '满足：{note}；辅助检查不一致（需审核人关注的冲突）：不满足：{why}',
  },
  'supporting.unmeasured': { en: 'met: {note}; the supporting check could not be measured: {reasons}', zh: '满足：{note}；辅助检查无法测量：{reasons}' },
  'required.both': { en: 'met: {why}; {note}', zh: '满足：{why}；{note}' },
  'required.check_met': { en: '{unknown} (check met: {why})', zh: '{unknown}（检查已满足：{why}）' },
  'conflict.attestation_decides': {
    en: '{criterion}: attested by {by} on {date}, but measured not met ({why}); the attestation decides (the check only supports it) and the measurement disagrees',
    zh: '{criterion}：由 {by} 于 {date} 证明，但测量结果为不满足（{why}）；以人工证明为准（该检查仅作辅助），测量结果与之不一致',
  },
  'conflict.not_shown': {
    en: '{criterion}: attested by {by} on {date}, but the systems read do not show it ({why}); the attestation decides (data that shows it would decide alone)',
    zh: '{criterion}：由 {by} 于 {date} 证明，但所读取的系统未显示该能力（{why}）；以人工证明为准（若数据显示该能力则可单独判定）',
  },
  'conflict.measurement_stands': {
    en: '{criterion}: attested by {by} on {date}, but measured not met ({why}); the measurement stands',
    zh: '{criterion}：由 {by} 于 {date} 证明，但测量结果为不满足（{why}）；以测量结果为准',
  },
  'ignored.no_criterion': { en: 'no criterion {criterion} in the rules', zh: '规则中没有要求 {criterion}' },
  'ignored.measured_only': {
    en: 'the criterion is decided by measurement alone (it has no attest part)',
    zh: '该要求仅由测量判定（没有人工证明部分）',
  },
  'warning.no_criterion': { en: '{at} ({criterion}, by {by}): no criterion {criterion} in the rules; it is not used', zh: '{at}（{criterion}，{by}）：规则中没有要求 {criterion}；未被使用' },
  'warning.no_attest': {
    en: '{at} ({criterion}, by {by}): {criterion} has no attest part (it is decided by measurement alone); it is not used',
    zh: '{at}（{criterion}，{by}）：{criterion} 没有人工证明部分（仅由测量判定）；未被使用',
  },
  'warning.expired': { en: '{at} ({criterion}, by {by}): {expiry}', zh: '{at}（{criterion}，{by}）：{expiry}' },
  'signal.not_declared': { en: 'no registered collector declares it', zh: '没有已注册的采集器声明该信号' },
} as const satisfies Record<string, Bilingual>;

export type MessageCode = keyof typeof CATALOGUE;

/**
 * A template split once at its `{name}` placeholders: even indexes literal text, odd ones a
 * parameter's name. Evaluating every criterion renders a few thousand messages, and a regular
 * expression with a callback per message was a sixth of the evaluation's time.
 */
type Compiled = readonly string[];
const compiled = new Map<string, Compiled>();

function compile(template: string): Compiled {
  let parts = compiled.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    compiled.set(template, parts);
  }
  return parts;
}

function render(code: MessageCode, lang: keyof Bilingual, params: Record<string, Param>): string {
  const parts = compile(CATALOGUE[code][lang]);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const v = params[parts[i]];
    if (v === undefined) throw new Error(`message ${code}: no parameter ${parts[i]}`);
    out += (typeof v === 'object' ? v[lang] : String(v)) + parts[i + 1];
  }
  return out;
}

/** The message `code` with its parameters filled in, in both languages. */
export function say(code: MessageCode, params: Record<string, Param> = {}): Bilingual {
  return { en: render(code, 'en', params), zh: render(code, 'zh', params) };
}

/** Language-neutral text: the same in both (an id, a CEL expression, a value). */
export function same(s: string): Bilingual {
  return { en: s, zh: s };
}

/** Parts joined with `; ` in English and `；` in Chinese. */
export function joinAll(parts: readonly Bilingual[], sep: Bilingual = { en: '; ', zh: '；' }): Bilingual {
  return { en: parts.map((p) => p.en).join(sep.en), zh: parts.map((p) => p.zh).join(sep.zh) };
}

/** Every message in the catalogue (the Chinese-output test renders them all). */
export function catalogue(): Readonly<Record<MessageCode, Bilingual>> {
  return CATALOGUE;
}
