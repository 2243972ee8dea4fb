/**
 * A real sync server on a free loopback port with a temp data dir, accounts and an
 * organization made through its HTTP API, and one replicating device: an in-memory RxDB
 * workspace. The other device in these tests is a plain CouchDB client (HTTP) on the same
 * server, since RxDB's free tier opens at most 13 collections per process (a workspace has 8);
 * the browser tests run two full devices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../../sync-server/app';
import { createApi, type Api, type Collection, type Role } from '../../../src/lib/sync/api';
import { createRepository, openWorkspace, type Repository, type Workspace } from '../../../src/lib/store';
import {
  startWorkspaceSync,
  type WorkspaceSync,
  type WorkspaceSyncOptions,
} from '../../../src/lib/sync/replication';

export interface Account {
  name: string;
  api: Api;
  token: () => string | null;
  setToken(token: string | null): void;
}

export interface SyncServer {
  url: string;
  /** The server's data directory (blobs under `blobs/<workspace>/`). */
  dataDir: string;
  server: RunningServer;
  account(name: string): Promise<Account>;
  /** An organization owned by `owner`, with `members` added by invitation. */
  organization(owner: Account, members?: { account: Account; role: Role }[]): Promise<string>;
  /** Stops the server (open connections are cut) and starts it again on the same port and data. */
  restart(pause?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startSyncServer(): Promise<SyncServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-sync-unit-'));
  let server = await startServer({ port: 0, host: '127.0.0.1', dataDir, appDir: dataDir });
  const port = server.port;
  return {
    url: server.url,
    dataDir,
    get server() {
      return server;
    },
    async account(name) {
      let token: string | null = null;
      const api = createApi({ baseUrl: server.url, token: () => token });
      token = (await api.register(name, `${name}-password`)).token;
      return {
        name,
        api,
        token: () => token,
        setToken(next) {
          token = next;
        },
      };
    },
    async organization(owner, members = []) {
      const { org } = await owner.api.createOrg(`Team of ${owner.name}`);
      for (const { account, role } of members) {
        const { token } = await owner.api.invite(org.id, { role, username: account.name });
        await account.api.acceptInvitation(token);
      }
      return org.id;
    },
    async restart(pause) {
      await server.close();
      await pause?.();
      server = await startServer({ port, host: '127.0.0.1', dataDir, appDir: dataDir });
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A CouchDB client for one collection database of a workspace, as another device would use it. */
export function couch(server: SyncServer, account: Account, workspaceId: string, collection: Collection) {
  const base = `${server.url}/db/ws_${workspaceId}__${collection}`;
  const headers = () => ({ authorization: `Bearer ${account.token()}`, 'content-type': 'application/json' });
  return {
    async get<T>(id: string): Promise<(T & { _rev: string }) | undefined> {
      const response = await fetch(`${base}/${encodeURIComponent(id)}`, { headers: headers() });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`GET ${id}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T & { _rev: string };
    },
    async put(id: string, doc: object): Promise<string> {
      const response = await fetch(`${base}/${encodeURIComponent(id)}`, {
        method: 'PUT',
        headers: headers(),
        body: JSON.stringify(doc),
      });
      if (!response.ok) throw new Error(`PUT ${id}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { rev: string }).rev;
    },
    async count(): Promise<number> {
      const response = await fetch(`${base}/_all_docs?limit=0`, { headers: headers() });
      return ((await response.json()) as { total_rows: number }).total_rows;
    },
  };
}

let devices = 0;

export interface Device {
  workspace: Workspace;
  repo: Repository;
  sync: WorkspaceSync | null;
  connect(extra?: Partial<WorkspaceSyncOptions>): WorkspaceSync;
  disconnect(): Promise<void>;
  close(): Promise<void>;
}

/** A device with its own local database of the workspace, replicating while connected. */
export async function openDevice(server: SyncServer, workspaceId: string, account: Account): Promise<Device> {
  devices += 1;
  const workspace = await openWorkspace(workspaceId, {
    storage: 'memory',
    databaseName: `device_${devices}_${workspaceId}`,
  });
  const device: Device = {
    workspace,
    repo: createRepository(workspace),
    sync: null,
    connect(extra = {}) {
      device.sync = startWorkspaceSync(workspace.db, {
        workspaceId,
        serverUrl: server.url,
        token: account.token,
        pollIntervalMs: 100,
        ...extra,
      });
      return device.sync;
    },
    async disconnect() {
      await device.sync?.stop();
      device.sync = null;
    },
    async close() {
      await device.disconnect();
      await workspace.remove();
    },
  };
  return device;
}

/** Polls `check` until it returns a value (replication is asynchronous); fails with `what`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
