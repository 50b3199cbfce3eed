import { UserError } from '../errors.js';
import type { Model } from '../model/types.js';

export type ParamValue = number | string | boolean;

export interface OverriddenParameter {
  capability: string;
  name: string;
  default: ParamValue;
  value: ParamValue;
  source: 'standard' | 'heuristic';
}

export interface ResolvedParameters {
  /** capability id → parameter name → value in force. */
  values: Map<string, Record<string, ParamValue>>;
  overridden: OverriddenParameter[];
}

/** Applies the config's overrides to the rule files' defaults; an unknown name or wrong type is an error. */
export function resolveParameters(model: Model, overrides: Record<string, Record<string, ParamValue>>, configFile = 'config'): ResolvedParameters {
  const values = new Map<string, Record<string, ParamValue>>();
  for (const cap of model.capabilities) values.set(cap.id, Object.fromEntries(cap.parameters.map((p) => [p.name, p.default])));
  const overridden: OverriddenParameter[] = [];
  const problems: string[] = [];
  for (const [capId, params] of Object.entries(overrides)) {
    const cap = model.capabilities.find((c) => c.id === capId);
    if (!cap) {
      problems.push(`parameters.${capId}: no capability item ${capId} in the rules`);
      continue;
    }
    for (const [name, value] of Object.entries(params)) {
      const p = cap.parameters.find((x) => x.name === name);
      if (!p) {
        const known = cap.parameters.map((x) => x.name).join(', ') || 'none';
        problems.push(`parameters.${capId}.${name}: ${capId} has no parameter '${name}' (it has: ${known})`);
        continue;
      }
      if (typeof value !== typeof p.default) {
        problems.push(`parameters.${capId}.${name}: expected a ${typeof p.default} like the default ${JSON.stringify(p.default)}, got ${JSON.stringify(value)}`);
        continue;
      }
      values.get(capId)![name] = value;
      if (value !== p.default) overridden.push({ capability: capId, name, default: p.default, value, source: p.source });
    }
  }
  if (problems.length) throw new UserError(`invalid config ${configFile}:\n  ${problems.join('\n  ')}`);
  return { values, overridden };
}
