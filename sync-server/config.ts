import { resolve } from 'node:path';
import * as v from 'valibot';
import type { LoginLimits } from './ratelimit';

export interface Config {
  port: number;
  host: string;
  /** Absolute path; holds accounts, memberships and the embedded databases. */
  dataDir: string;
  /** Absolute path of the static SPA built by vite. */
  appDir: string;
  /** External Apache CouchDB base URL (credentials included); unset means the embedded store. */
  couchdbUrl?: string;
  /** Admin account created on start when no accounts exist yet. */
  bootstrapAdmin?: { username: string; password: string };
  /** Origins besides the server's own allowed to call /api and /db (LOUPE_ORIGIN, comma-separated). */
  origins?: string[];
  /** Largest media blob accepted, in bytes (LOUPE_MAX_BLOB_MB). */
  maxBlobBytes?: number;
  /** Lifetime of sign-in tokens (LOUPE_TOKEN_DAYS). */
  tokenLifetimeMs?: number;
  /** Where blobs are stored (LOUPE_BLOB_DIR); default `<data>/blobs`. */
  blobDir?: string;
  /** Express `trust proxy`: which proxies' X-Forwarded-* to believe (LOUPE_TRUST_PROXY); default loopback. */
  trustProxy?: string;
  /** Who may register (LOUPE_REGISTRATION): open (default), invite, closed. */
  registration?: 'open' | 'invite' | 'closed';
  /** Failed sign-in limits; tests lower them. */
  loginLimits?: LoginLimits;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const USERNAME_RULE =
  'lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64 characters';
export const MIN_PASSWORD_LENGTH = 8;

const EnvSchema = v.pipe(
  v.object({
    PORT: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.regex(/^\d{1,5}$/, (i) => `PORT must be a number from 0 to 65535 (got "${String(i.input)}")`),
        v.transform(Number),
        v.maxValue(65535, (i) => `PORT must be a number from 0 to 65535 (got ${String(i.input)})`),
      ),
      '8080',
    ),
    HOST: v.optional(v.pipe(v.string(), v.trim(), v.nonEmpty('HOST must not be empty')), '127.0.0.1'),
    LOUPE_DATA_DIR: v.optional(
      v.pipe(v.string(), v.trim(), v.nonEmpty('LOUPE_DATA_DIR must not be empty')),
      './data',
    ),
    LOUPE_APP_DIR: v.optional(
      v.pipe(v.string(), v.trim(), v.nonEmpty('LOUPE_APP_DIR must not be empty')),
      './build',
    ),
    COUCHDB_URL: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.check(
          (s) => s === '' || isHttpUrl(s),
          (i) =>
            `COUCHDB_URL must be an http:// or https:// URL such as http://admin:password@127.0.0.1:5984 (got "${redact(String(i.input))}")`,
        ),
      ),
    ),
    LOUPE_ORIGIN: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.check(
          (s) => s === '' || s.split(',').every((o) => isOrigin(o.trim())),
          (i) =>
            `LOUPE_ORIGIN must be origins such as https://loupe.example.com, separated by commas (got "${String(i.input)}")`,
        ),
      ),
    ),
    LOUPE_MAX_BLOB_MB: optionalNumber('LOUPE_MAX_BLOB_MB', 1, 1024 * 1024),
    LOUPE_TOKEN_DAYS: optionalNumber('LOUPE_TOKEN_DAYS', 1, 3650),
    LOUPE_BLOB_DIR: v.optional(v.pipe(v.string(), v.trim())),
    LOUPE_TRUST_PROXY: v.optional(v.pipe(v.string(), v.trim())),
    LOUPE_REGISTRATION: v.optional(
      v.picklist(['open', 'invite', 'closed'], 'LOUPE_REGISTRATION must be open, invite or closed'),
    ),
    LOUPE_ADMIN_USER: v.optional(
      v.pipe(
        v.string(),
        v.trim(),
        v.check((s) => s === '' || USERNAME.test(s), `LOUPE_ADMIN_USER must use ${USERNAME_RULE}`),
      ),
    ),
    LOUPE_ADMIN_PASSWORD: v.optional(
      v.pipe(
        v.string(),
        v.check(
          (s) => s === '' || s.length >= MIN_PASSWORD_LENGTH,
          `LOUPE_ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters`,
        ),
      ),
    ),
  }),
  v.check(
    (e) => Boolean(e.LOUPE_ADMIN_USER) === Boolean(e.LOUPE_ADMIN_PASSWORD),
    'LOUPE_ADMIN_USER and LOUPE_ADMIN_PASSWORD must be set together',
  ),
);

/** Reads the server configuration from the environment; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const result = v.safeParse(EnvSchema, env, { abortPipeEarly: true });
  if (!result.success) {
    const lines = result.issues.map((issue) => `  - ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.output;
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir: resolve(cwd, e.LOUPE_DATA_DIR),
    appDir: resolve(cwd, e.LOUPE_APP_DIR),
  };
  if (e.COUCHDB_URL) config.couchdbUrl = e.COUCHDB_URL.replace(/\/+$/, '');
  if (e.LOUPE_ORIGIN) config.origins = e.LOUPE_ORIGIN.split(',').map((o) => o.trim());
  if (e.LOUPE_MAX_BLOB_MB !== undefined) config.maxBlobBytes = e.LOUPE_MAX_BLOB_MB * 1024 * 1024;
  if (e.LOUPE_TOKEN_DAYS !== undefined) config.tokenLifetimeMs = e.LOUPE_TOKEN_DAYS * 86_400_000;
  if (e.LOUPE_BLOB_DIR) config.blobDir = resolve(cwd, e.LOUPE_BLOB_DIR);
  if (e.LOUPE_TRUST_PROXY) config.trustProxy = e.LOUPE_TRUST_PROXY;
  if (e.LOUPE_REGISTRATION) config.registration = e.LOUPE_REGISTRATION;
  if (e.LOUPE_ADMIN_USER && e.LOUPE_ADMIN_PASSWORD) {
    config.bootstrapAdmin = { username: e.LOUPE_ADMIN_USER, password: e.LOUPE_ADMIN_PASSWORD };
  }
  return config;
}

/** The data directory alone, for tools (the accounts CLI) that need nothing else. */
export function loadDataDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const dir = env.LOUPE_DATA_DIR?.trim();
  return resolve(cwd, dir || './data');
}

function optionalNumber(name: string, min: number, max: number) {
  return v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(
        /^\d+$/,
        (i) => `${name} must be a whole number from ${min} to ${max} (got "${String(i.input)}")`,
      ),
      v.transform(Number),
      v.minValue(min, `${name} must be at least ${min}`),
      v.maxValue(max, `${name} must be at most ${max}`),
    ),
  );
}

function isOrigin(s: string): boolean {
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === s.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Hides a password in a URL before it is printed. */
export function redact(s: string): string {
  return s.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
