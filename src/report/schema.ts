import { z } from 'zod';

/**
 * The JSON report, described once: the TypeScript type, the runtime check in tests and the
 * JSON Schema shipped in schemas/report.schema.json (`npm run schemas`) all come from here.
 */
const text = z.object({ zh: z.string(), en: z.string() });
const status = z.enum(['met', 'not_met', 'unknown']);
const signalStatus = z.enum(['observed', 'not_available', 'failed', 'not_observed', 'not_configured']);
const value = z.union([z.number(), z.boolean(), z.string()]);
const param = z.union([z.number(), z.boolean(), z.string()]);
const objects = z
  .object({ total: z.number().int().min(0), sample: z.array(z.string()) })
  .describe('The things behind a count or ratio: how many, and the names of the first few');
const notes = z.array(z.string()).describe('Caveats the collector attached to the value');
/** The Chinese twin of an English field; optional so that reports recorded before it existed stay valid. */
const zh = (what: string) => z.string().optional().describe(`${what} in Chinese`);

const attestation = z.object({
  criterion: z.string(), statement: z.string(), evidence: z.string(), by: z.string(),
  date: z.string(), expires: z.string().describe('The day it holds through: its own expires, capped at the maximum validity after its date'),
  expires_stated: z.string().optional().describe('Its own expires, where the maximum validity cut it short'),
  expired: z.boolean(),
});

export const reportSchema = z
  .object({
    schema_version: z.literal(1),
    run: z.object({
      tool: z.object({ name: z.literal('techops'), version: z.string() }),
      standard: z.string().describe('The standard the rules model'),
      assessment: z.object({ name: z.string(), scope: z.string().optional() }),
      started_at: z.string().describe('ISO 8601'),
      finished_at: z.string(),
      window: z.object({ start: z.string(), end: z.string(), seconds: z.number() }),
      rules_digest: z.string().describe('SHA-256 over the rule files'),
      config_digest: z.string().describe('SHA-256 over the config as written, secrets masked'),
      config: z.unknown().describe('The config as written, secrets masked'),
    }),
    summary: z.object({
      capabilities: z.number().int(),
      criteria: z.object({
        met: z.number().int(), not_met: z.number().int(), unknown: z.number().int(),
        unknown_no_data: z.number().int().describe('Unknown because a signal the criterion reads was not measured (an attestation may be missing too)'),
        unknown_attestation_missing: z.number().int().describe('Unknown only for want of a valid attestation: the data is there or not needed'),
      }),
      domains: z.array(z.object({ id: z.string(), zh: z.string(), en: z.string(), capabilities: z.array(z.string()), min_level: z.number(), mean_level: z.number(), min_ceiling: z.number() })),
      processes: z.array(z.object({ id: z.string(), zh: z.string(), en: z.string(), capabilities: z.array(z.string()), min_level: z.number(), mean_level: z.number(), min_ceiling: z.number() })),
    }),
    capabilities: z.array(
      z.object({
        id: z.string(),
        title: text,
        domain: z.string(),
        process: z.string(),
        level: z.number().int().min(0).max(5),
        ceiling: z.number().int().min(0).max(5),
        blockers: z.array(z.object({ criterion: z.string(), status: z.enum(['not_met', 'unknown']), reason: z.string(), reason_zh: zh('reason') })),
        counts: z.object({ met: z.number().int(), not_met: z.number().int(), unknown: z.number().int() }),
      }),
    ),
    criteria: z.array(
      z.object({
        id: z.string(),
        capability: z.string(),
        level: z.number().int().min(1).max(5),
        text,
        status,
        basis: z.enum(['measured', 'attested', 'measured+attested']).optional(),
        explanation: z.string(),
        explanation_zh: zh('explanation: the same message rendered from the same facts'),
        reasons: z.array(z.string()),
        reasons_zh: z.array(z.string()).optional().describe('reasons in Chinese, one for one'),
        missing: z.array(z.enum(['data', 'attestation'])).optional().describe('For an unknown criterion: what is missing'),
        check: z.string().optional(),
        attest: z.string().optional(),
        attest_zh: zh('attest, where the rule file gives it'),
        measured: z.enum(['required', 'supporting', 'sufficient']).optional().describe('Where a criterion has both check and attest: whether the check is a required part, only supports the attestation, or decides alone when it is met (sufficient)'),
        measurement: status.optional().describe('What the check alone gave, before any attestation was weighed'),
        why: z.string().optional().describe('Why the check reads what it reads and why its threshold is what it is'),
        why_zh: zh('why, where the rule file gives it'),
        reading: z.string().optional(),
        reading_zh: zh('reading, where the rule file gives it'),
        parameters: z.record(z.string(), param),
        signals: z.array(z.object({ id: z.string(), status: signalStatus, value: value.optional(), reason: z.string().optional(), evidence: z.array(z.string()), objects: objects.optional(), notes: notes.optional() })),
        attestation: attestation.optional(),
      }),
    ),
    signals: z.array(
      z.object({
        id: z.string(),
        collector: z.string(),
        type: z.string(),
        unit: z.string().optional(),
        description: z.string(),
        description_zh: zh('description, where signals/descriptions.zh.yaml gives it'),
        aggregation: z.string(),
        status: signalStatus,
        value: value.optional(),
        reason: z.string().optional(),
        evidence: z.array(z.string()),
        objects: objects.optional(),
        notes: notes.optional(),
        instances: z.array(z.object({
          instance: z.string(), status: signalStatus, value: value.optional(), reason: z.string().optional(), evidence: z.array(z.string()), detail: z.string().optional(),
          objects: objects.optional(), notes: notes.optional(),
        })),
      }),
    ),
    collectors: z.array(
      z.object({
        collector: z.string(), instance: z.string(),
        status: z.enum(['ok', 'partial', 'failed']).describe('ok: every request and signal succeeded; partial: some failed; failed: nothing measured, or every request failed'),
        status_reason: z.string().optional().describe('Why the status is not ok: the counts, then the first error'),
        error: z.string().optional(), error_kind: z.string().optional(), started_at: z.string(),
        duration_ms: z.number(), requests: z.number().int(), requests_failed: z.number().int(),
        signals_declared: z.number().int(), signals_observed: z.number().int(), signals_not_available: z.number().int(), signals_failed: z.number().int(),
      }),
    ),
    evidence: z.array(
      z.object({
        id: z.string(), collector: z.string(), instance: z.string(), method: z.string(), url: z.string(),
        status: z.number().int().optional(), error: z.string().optional(), attempt: z.number().int(),
        started_at: z.string(), duration_ms: z.number(), bytes: z.number().int().optional(),
        sha256: z.string().optional(), excerpt: z.string().optional(),
        redirects: z.array(z.string()).optional().describe('The URLs that redirected to this one, first to last'),
        revalidated_from: z.string().optional().describe('The server answered 304 Not Modified: bytes, sha256 and excerpt are of the cached body it confirmed, stored at this time'),
        reused_because: z.string().optional().describe('No request was sent: the cached answer stored at revalidated_from was reused because what it depends on is unchanged (this says what, naming the evidence that shows it)'),
      }),
    ),
    dora: z
      .array(
        z.object({
          metric: z.enum(['deployment_frequency', 'lead_time_for_changes', 'change_failure_rate', 'change_failure_rate_incidents', 'time_to_restore', 'time_to_restore_incidents']),
          title: text,
          signal: z.string(),
          unit: z.string(),
          definition: z.string(),
          definition_zh: zh('definition'),
          status: signalStatus,
          value: z.number().optional(),
          reason: z.string().optional(),
          evidence: z.array(z.string()),
        }),
      )
      .describe('The DORA figures with their definitions, from the delivery signals (and change failure and time to restore from the incident signals)'),
    parameters: z.object({
      overridden: z.array(z.object({ capability: z.string(), name: z.string(), default: param, value: param, source: z.enum(['standard', 'heuristic']) })),
    }),
    attestations: z.object({
      used: z.array(attestation),
      conflicts: z.array(z.object({
        criterion: z.string(),
        decided_by: z.enum(['measurement', 'attestation']).optional().describe('measurement: a required check stands against the attestation; attestation: the check only supports it'),
        message: z.string(),
        message_zh: zh('message'),
      })),
      ignored: z.array(z.object({ criterion: z.string(), reason: z.string(), reason_zh: zh('reason') })),
    }),
    claims: z.array(
      z.object({
        capability: z.string(), claimed: z.number().int(), level: z.number().int(), ceiling: z.number().int(),
        verdict: z.enum(['confirmed', 'contradicted', 'unverified']),
        criteria: z.array(z.object({ id: z.string(), status, reason: z.string().optional(), reason_zh: zh('reason') })),
      }),
    ),
  })
  .describe('techops scan report: maturity levels of YD/T 1756 part 4 with the evidence behind them');

export type Report = z.infer<typeof reportSchema>;

export function reportJsonSchema(): Record<string, unknown> {
  return {
    title: 'techops report',
    ...(z.toJSONSchema(reportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>),
  };
}
