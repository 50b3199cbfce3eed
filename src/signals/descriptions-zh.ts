/**
 * PLACEHOLDER (zh branch): the trsig branch writes the real module, reading
 * signals/descriptions.zh.yaml; the integrator takes that version. Same two exports and
 * signatures: a Chinese description, or undefined where none is written (callers fall back
 * to the English one).
 */
export function chineseSignalDescription(_id: string): string | undefined {
  return undefined;
}

export function chineseCollectorDescription(_name: string): string | undefined {
  return undefined;
}
