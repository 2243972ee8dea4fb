import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import PouchDB, { type PouchDatabase, type PouchDoc } from 'pouchdb-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrgSummary } from '../../sync-server/orgs';
import { box, frameDoc } from './fixtures';
import { call, makeOrg, tempDirs } from './helpers';
import { REPO_ROOT } from './process';

/**
 * The server is a child process that is killed (SIGKILL, no shutdown) while a PouchDB client
 * pushes to it and another pulls from it, then started again on the same data directory.
 * Both live replications must resume and end with every document on every side.
 */
const TOTAL = 1500;
const OFFLINE = 100;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function startChild(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('Loupe is serving on')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${String(code)}: ${err}`));
    });
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('killing the server during replication', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  });

  it('loses nothing: after a restart both sides hold every document', async () => {
    const dirs = await tempDirs();
    cleanup.push(() => dirs.cleanup());
    const port = await freePort();
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOUPE_DATA_DIR: dirs.dataDir,
      LOUPE_APP_DIR: dirs.appDir,
      LOUPE_ADMIN_USER: 'olga',
      LOUPE_ADMIN_PASSWORD: 'olga-password',
    };
    const server = { url: `http://127.0.0.1:${port}` };
    let child = await startChild(env);
    cleanup.push(() => killed(child));

    const login = await call(server, '/api/auth/login', {
      method: 'POST',
      json: { username: 'olga', password: 'olga-password' },
    });
    const auth = `Bearer ${(login.body as { token: string }).token}`;
    const org: OrgSummary = await makeOrg(server, auth, 'Restarts');
    const remoteUrl = `${server.url}/db/${org.databases.frame}`;
    const remote = () =>
      new PouchDB(remoteUrl, {
        skip_setup: true,
        // While the server is down, a refused connection is answered as a 503 here: PouchDB
        // retries either, but some of its internal requests leave a network error unhandled.
        async fetch(target, init) {
          init.headers.set('Authorization', auth);
          try {
            return await PouchDB.fetch(target, init);
          } catch {
            return new Response(JSON.stringify({ error: 'unavailable', reason: 'server down' }), {
              status: 503,
              headers: { 'content-type': 'application/json' },
            });
          }
        },
      });

    await mkdir(join(dirs.root, 'clients'), { recursive: true });
    const a: PouchDatabase = new PouchDB(join(dirs.root, 'clients', 'a'));
    const b: PouchDatabase = new PouchDB(join(dirs.root, 'clients', 'b'));
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    const docs = (from: number, count: number) =>
      Array.from(
        { length: count },
        (_, i) => frameDoc('j1', from + i, [box(`o${from + i}`, from + i)]) as PouchDoc,
      );
    await a.bulkDocs(docs(0, TOTAL));

    const options = { live: true, retry: true, batch_size: 50, back_off_function: () => 300 };
    const push = PouchDB.replicate(a, remote(), options);
    const pull = PouchDB.replicate(remote(), b, options);
    cleanup.push(
      async () => push.cancel(),
      async () => pull.cancel(),
    );

    // Kill the server once part of the push has landed, mid-stream.
    let pushed = 0;
    push.on('change', (info: { docs_written: number }) => (pushed = info.docs_written));
    await until('the first documents to reach the server', async () => pushed >= 200);
    await killed(child);
    expect(pushed).toBeLessThan(TOTAL);

    // Offline edits on device A while the server is down.
    await a.bulkDocs(docs(TOTAL, OFFLINE));

    child = await startChild(env);
    const count = async (db: PouchDatabase) => (await db.info()).doc_count;
    const serverCount = async () => {
      const res = await call(server, `/db/${org.databases.frame}`, { auth });
      return res.status === 200 ? (res.body as { doc_count: number }).doc_count : -1;
    };
    await until('the server to hold every document', async () => (await serverCount()) === TOTAL + OFFLINE);
    await until('device B to hold every document', async () => (await count(b)) === TOTAL + OFFLINE);

    expect(await count(a)).toBe(TOTAL + OFFLINE);
    expect(await serverCount()).toBe(TOTAL + OFFLINE);
    expect(await count(b)).toBe(TOTAL + OFFLINE);
    const last = await b.get(`j1:${TOTAL + OFFLINE - 1}`);
    expect(Object.keys(last.objects as object)).toEqual([`o${TOTAL + OFFLINE - 1}`]);
  }, 180_000);
});
