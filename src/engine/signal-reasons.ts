import type { Bilingual } from './messages.js';

/**
 * Why a signal has no value, in both languages. The core writes a few of these reasons itself
 * (an unconfigured collector, a derived signal without sources): those are translated here by
 * their shape. Everything else — an HTTP error, a system's answer, a collector's own words — is
 * shown in Chinese output as the original, marked `原文「…」`: rewording a system's error would
 * put words in its mouth, and a reader can still search for the exact text.
 */
export function signalReason(reason: string | undefined, status: string): Bilingual {
  if (reason === undefined) return { en: status.replace('_', ' '), zh: STATUS_ZH[status] ?? status };
  return { en: reason, zh: reasonZh(reason) };
}

/** A signal's status in Chinese. */
export const STATUS_ZH: Record<string, string> = {
  observed: '已观测',
  not_available: '不可用',
  failed: '失败',
  not_observed: '未观测到',
  not_configured: '未配置',
};

/** The mark around text shown verbatim from a system or a collector in Chinese output. */
export function original(text: string): string {
  return `原文「${text}」`;
}

const SHAPES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^collector (\S+) is not configured$/, (m) => `采集器 ${m[1]} 未配置`],
  [/^(\S+) is not configured$/, (m) => `${m[1]} 未配置`],
  [/^not observed by (\S+)$/, (m) => `${m[1]} 未观测到该信号`],
  [/^none of its sources is configured \((.*)\)$/, (m) => `其来源均未配置（${m[1]}）`],
  [/^no registered collector declares it$/, () => '没有已注册的采集器声明该信号'],
  [/^no registered collector declares (\S+)$/, (m) => `没有已注册的采集器声明 ${m[1]}`],
  [/^no configured collector publishes (.+) records$/, (m) => `没有已配置的采集器发布 ${m[1]} 记录`],
  [/^(\S+\/\S+) failed: (.*)$/s, (m) => `${m[1]} 失败：${original(m[2])}`],
  [/^collector emitted an invalid value (.*)$/s, (m) => `采集器给出了无效值：${original(m[1])}`],
  [/^could not measure: (.*)$/s, (m) => `无法测量：${original(m[1])}`],
  [/^(\S+) is not installed \((.*)\)$/s, (m) => `${m[1]} 未安装（${original(m[2])}）`],
  [/^not found \(HTTP 404\): (.*)$/s, (m) => `未找到（HTTP 404）：${original(m[1])}`],
];

function reasonZh(reason: string): string {
  // A combined signal's reason lists its sources' reasons: `a.b: why; c.d: why`.
  const parts = reason.split(/; (?=[\w-]+(?:[./][\w-]+)+: )/);
  if (parts.length > 1) return parts.map(reasonZh).join('；');
  const sourced = /^([\w-]+(?:[./][\w-]+)+): (.*)$/s.exec(reason);
  if (sourced && !/^https?$/.test(sourced[1])) return `${sourced[1]}：${reasonZh(sourced[2])}`;
  for (const [shape, zh] of SHAPES) {
    const m = reason.match(shape);
    if (m) return zh(m);
  }
  return original(reason);
}
