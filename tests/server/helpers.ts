import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { workspaceDbName, type Collection } from '../../sync-server/access';
import { startServer, type RunningServer } from '../../sync-server/app';
import type { Config } from '../../sync-server/config';
import type { OrgSummary, Role } from '../../sync-server/orgs';

export const INDEX_HTML =
  '<!doctype html><html><head><title>Loupe test shell</title></head><body>shell</body></html>';

/** A temp folder with a data dir and a small fake SPA build. Call cleanup() when done. */
export async function tempDirs(options: { withApp?: boolean } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'loupe-server-'));
  const dataDir = join(root, 'data');
  const appDir = join(root, 'app');
  await mkdir(join(appDir, '_app', 'immutable', 'chunks'), { recursive: true });
  if (options.withApp ?? true) {
    await writeFile(join(appDir, 'index.html'), INDEX_HTML);
    await writeFile(join(appDir, 'sw.js'), 'self.addEventListener("install", () => {});');
    await writeFile(join(appDir, 'manifest.webmanifest'), '{"name":"Loupe"}');
    await writeFile(join(appDir, '_app', 'immutable', 'chunks', 'app.abc123.js'), 'export const x = 1;');
  }
  return {
    root,
    dataDir,
    appDir,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export interface TestServer extends RunningServer {
  dirs: Awaited<ReturnType<typeof tempDirs>>;
  config: Config;
  stop(): Promise<void>;
}

/** A real server on 127.0.0.1 and a free port, with its own temp data dir. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  options: { withApp?: boolean } = {},
): Promise<TestServer> {
  const dirs = await tempDirs(options);
  const config: Config = {
    port: 0,
    host: '127.0.0.1',
    dataDir: dirs.dataDir,
    appDir: dirs.appDir,
    ...overrides,
  };
  const server = await startServer(config);
  return {
    ...server,
    dirs,
    config,
    async stop() {
      await server.close();
      await dirs.cleanup();
    },
  };
}

/** A well-formed workspace database name of a workspace that does not exist. */
export function uniqueDb(collection: Collection = 'frame'): string {
  return workspaceDbName(randomBytes(13).toString('hex'), collection);
}

/** Creates an organization through the API as the given caller; returns its summary. */
export async function makeOrg(server: { url: string }, auth: string, name = 'Team'): Promise<OrgSummary> {
  const res = await call(server, '/api/orgs', { method: 'POST', auth, json: { name } });
  if (res.status !== 201) throw new Error(`creating an organization failed: ${res.status} ${res.text}`);
  return (res.body as { org: OrgSummary }).org;
}

export async function addMember(
  server: TestServer,
  org: string,
  username: string,
  role: Role,
): Promise<void> {
  await server.services.orgs.setRole(org, username, role);
}

export function basic(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** fetch() against the server with an optional Authorization header and JSON body. */
export async function call(
  server: { url: string },
  path: string,
  options: {
    method?: string;
    auth?: string;
    json?: unknown;
    body?: Uint8Array | string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; headers: Headers; text: string; body: unknown }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.authorization = options.auth;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + path, {
    method: options.method ?? 'GET',
    headers,
    body:
      options.json !== undefined
        ? JSON.stringify(options.json)
        : typeof options.body === 'string' || options.body === undefined
          ? options.body
          : new Uint8Array(options.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Creates an account and signs in; returns the bearer Authorization value. */
export async function userWithToken(
  server: TestServer,
  name: string,
  password = 'correct horse battery',
  admin = false,
): Promise<string> {
  await server.services.users.add(name, password, { admin });
  const res = await call(server, '/api/auth/login', { method: 'POST', json: { username: name, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  const { token } = res.body as { token: string };
  return bearer(token);
}

export function expectIsolationHeaders(headers: Headers): void {
  const missing = [
    'cross-origin-opener-policy',
    'cross-origin-embedder-policy',
    'cross-origin-resource-policy',
  ].filter((h) => !headers.get(h));
  if (missing.length) throw new Error(`missing headers: ${missing.join(', ')}`);
  if (headers.get('cross-origin-opener-policy') !== 'same-origin') throw new Error('COOP is not same-origin');
  if (headers.get('cross-origin-embedder-policy') !== 'require-corp')
    throw new Error('COEP is not require-corp');
  if (headers.get('cross-origin-resource-policy') !== 'same-origin')
    throw new Error('CORP is not same-origin');
}
