/**
 * The sync server with 20 connected clients: the server runs as its own process (so that its
 * memory is measured alone), 20 browser contexts join one organization workspace holding 1,000
 * objects, each replicating live through the app's sync code. Measured: the server's resident
 * memory idle, with the 20 clients in sync, and at its peak while one client's edits fan out to
 * the other 19; and how long an edit takes to reach all 19 (p95 over 20 edits).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { BenchContext } from './run';
import { openDevicePage, post, type Bench } from './syncShared';
import { median, percentile, type Metrics } from './results';
import { prepareBenchApp } from './sameOrigin';

const CLIENTS = 20;
const OBJECTS = 1_000;
const FRAMES = 100;
const EDITS = 20;

/** Resident memory of a process in MiB (Linux). */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function startServerProcess(appDir: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOUPE_APP_DIR: appDir, LOUPE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /serving on (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (url) resolve({ child, url });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${out}`)));
  });
}

export async function run({ browser }: BenchContext): Promise<Metrics> {
  const { root, appDir, dataDir } = await prepareBenchApp('sync');
  const { child, url } = await startServerProcess(appDir, dataDir);
  const pid = child.pid!;
  const pages: Page[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleMiB = rssMiB(pid);
    const api = `${url}/api`;
    const tokens: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const name = `user${i}`;
      tokens.push(
        (
          await post<{ token: string }>(`${api}/auth/register`, {
            username: name,
            password: `${name}-password`,
          })
        ).token,
      );
    }
    const { org } = await post<{ org: { id: string } }>(`${api}/orgs`, { name: 'Team' }, tokens[0]);
    for (let i = 1; i < CLIENTS; i++) {
      const invite = await post<{ token: string }>(
        `${api}/orgs/${org.id}/invitations`,
        { role: 'maintainer', username: `user${i}` },
        tokens[0],
      );
      await post(`${api}/invitations/${invite.token}/accept`, {}, tokens[i]);
    }

    const device = (token: string) => openDevicePage(browser, `${url}/bench/sync.html`, org.id, token);
    const first = await device(tokens[0]!);
    pages.push(first);
    await first.evaluate(
      ([n, f]) => (window as unknown as Bench).syncBench.seed('bench-job', n!, f!),
      [OBJECTS, FRAMES],
    );
    const joinStart = Date.now();
    for (let i = 1; i < CLIENTS; i++) pages.push(await device(tokens[i]!));
    await Promise.all(
      pages.map((p) => p.evaluate((n) => (window as unknown as Bench).syncBench.waitForObjects(n), OBJECTS)),
    );
    const joinMs = Date.now() - joinStart;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const connectedMiB = rssMiB(pid);

    let peakMiB = connectedMiB;
    const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(pid))), 100);
    const fanout: number[] = [];
    try {
      for (let i = 0; i < EDITS; i++) {
        const x = 3000 + i;
        const seen = Promise.all(
          pages
            .slice(1)
            .map((p) => p.evaluate((v) => (window as unknown as Bench).syncBench.waitForEdit(v), x)),
        );
        const at = await first.evaluate((v) => (window as unknown as Bench).syncBench.edit(v), x);
        fanout.push(Math.max(...(await seen)) - at);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      clearInterval(sampler);
    }
    return {
      serverRssIdleMiB: { value: Math.round(idleMiB), unit: 'MiB', better: 'lower' },
      serverRss20ClientsMiB: { value: Math.round(connectedMiB), unit: 'MiB', better: 'lower' },
      serverRss20ClientsPeakMiB: { value: Math.round(peakMiB), unit: 'MiB', better: 'lower' },
      clients20InSyncMs: { value: joinMs, unit: 'ms', better: 'lower' },
      editToAll19P95Ms: {
        value: Math.round(percentile(fanout, 95)),
        unit: 'ms',
        budget: 500,
        better: 'lower',
      },
      editToAll19MedianMs: { value: Math.round(median(fanout)), unit: 'ms', better: 'lower' },
    };
  } finally {
    for (const page of pages) await page.context().close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(root, { recursive: true, force: true });
  }
}
