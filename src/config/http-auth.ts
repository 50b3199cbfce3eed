import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HttpClientOptions } from '../http/client.js';
import { UserError } from '../errors.js';

/**
 * The credential and TLS keys every HTTP collector behind a server or proxy accepts, declared
 * once so their names, checks and messages are the same everywhere.
 */
export const httpAuthShape = {
  bearer_token: z.string().min(1).optional().describe('Bearer token sent in the Authorization header (use ${ENV_VAR} or ${file:PATH}).'),
  basic_auth: z
    .object({
      username: z.string().min(1).describe('Basic-auth user.'),
      password: z.string().describe('Basic-auth password (use ${ENV_VAR} or ${file:PATH}).'),
    })
    .strict()
    .optional()
    .describe('HTTP basic authentication, e.g. for a reverse proxy in front of the server.'),
  tls: z
    .object({
      insecure_skip_verify: z.boolean().optional().describe('Accept any server certificate (testing only).'),
      ca_file: z.string().min(1).optional().describe('PEM file of the CA that signed the server certificate, relative to the config file.'),
    })
    .strict()
    .optional()
    .describe('TLS settings for an https:// URL.'),
};

export type HttpAuthConfig = {
  bearer_token?: string;
  basic_auth?: { username: string; password: string };
  tls?: { insecure_skip_verify?: boolean; ca_file?: string };
};

/** Both would race for the one Authorization header; say so instead of silently picking one. */
export const oneAuthorization = {
  check: (c: HttpAuthConfig) => !(c.bearer_token && c.basic_auth),
  message: { message: 'set either bearer_token or basic_auth, not both', path: ['basic_auth'] },
};

/** The auth and TLS options of the shared client, with the CA file read (relative paths resolved). */
export function httpAuthOptions(config: HttpAuthConfig, resolvePath: (path: string) => string): Pick<HttpClientOptions, 'auth' | 'tls'> {
  const auth = config.bearer_token ? { bearer: config.bearer_token } : config.basic_auth ? { basic: config.basic_auth } : undefined;
  if (!config.tls) return { auth };
  let ca: string | undefined;
  if (config.tls.ca_file) {
    const file = resolvePath(config.tls.ca_file);
    try {
      ca = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`cannot read tls.ca_file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
  }
  return { auth, tls: { insecureSkipVerify: config.tls.insecure_skip_verify ?? false, ca } };
}
