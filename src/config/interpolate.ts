import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isSecretKey, type Redactor } from '../redact.js';

/**
 * `${ENV_VAR}` and `${file:PATH}` in string values, so secrets stay out of the config file.
 * Interpolation runs on parsed YAML values, not on the raw text, so a secret can never change
 * the document's structure. Every interpolated value is registered with the redactor: it may be
 * a secret even under an innocent key. `$${...}` is a literal `${...}`.
 */
export function interpolate(
  value: unknown,
  ctx: { env: NodeJS.ProcessEnv; baseDir: string; redactor: Redactor; problems: string[] },
  path = '',
  key = '',
): unknown {
  if (typeof value === 'string') {
    const out = value.replace(/\$?\$\{([^}]*)\}/g, (whole, ref: string) => {
      if (whole.startsWith('$$')) return whole.slice(1);
      if (ref.startsWith('file:')) {
        const file = resolve(ctx.baseDir, ref.slice(5).trim());
        try {
          const content = readFileSync(file, 'utf8').trim();
          ctx.redactor.add(content);
          return content;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
          ctx.problems.push(`${path}: cannot read the secret file ${file} named by \${${ref}}: ${why}`);
          return '';
        }
      }
      const name = ref.trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        ctx.problems.push(`${path}: '\${${ref}}' is not a valid reference (use \${ENV_VAR} or \${file:PATH})`);
        return '';
      }
      const v = ctx.env[name];
      if (v === undefined) {
        ctx.problems.push(`${path}: environment variable ${name} (named by \${${ref}}) is not set`);
        return '';
      }
      ctx.redactor.add(v);
      return v;
    });
    if (isSecretKey(key)) ctx.redactor.add(out);
    return out;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, ctx, `${path}[${i}]`, key));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, ctx, path ? `${path}.${k}` : k, k);
    // A user/password pair travels as `user:password` (URLs) and its base64 (Basic headers).
    if (typeof out.username === 'string' && typeof out.password === 'string') ctx.redactor.addPair(out.username, out.password);
    return out;
  }
  return value;
}
