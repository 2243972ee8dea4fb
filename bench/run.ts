/**
 * Runs the benchmarks in headless Chromium against the built app on the real server and writes
 * bench/results/<name>.json. `npm run bench` runs all; `npm run bench -- <name>` runs one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { startServer } from '../sync-server/app';
import { launchBrowser } from '../tests/helpers/browser';
import { writeResult, type Metrics } from './results';

export interface BenchContext {
  browser: Browser;
  serverUrl: string;
}

type Bench = (ctx: BenchContext) => Promise<Metrics>;

const BENCHES: Record<string, () => Promise<{ run: Bench }>> = {
  'app-shell': () => import('./appShell.bench'),
  'store-bulk': () => import('./storeBulk.bench'),
  video: () => import('./video.bench'),
  'task-from-images': () => import('./taskFromImages.bench'),
  canvas: () => import('./canvas.bench'),
  'job-open': () => import('./jobOpen.bench'),
  sidebar: () => import('./sidebar.bench'),
  mask: () => import('./mask.bench'),
  interpolation: () => import('./interpolation.bench'),
  playback: () => import('./playback.bench'),
  sam: () => import('./sam.bench'),
  ai: () => import('./ai.bench'),
  sync: () => import('./sync.bench'),
  'sync-clients': () => import('./syncClients.bench'),
  'formats-cli': () => import('./formatsCli.bench'),
  'formats-store': () => import('./formatsStore.bench'),
};

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-bench-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, appDir: resolve('build') });
  const browser = await launchBrowser();
  let failed = false;
  try {
    for (const name of names) {
      const bench = await BENCHES[name]!();
      try {
        const metrics = await bench.run({ browser, serverUrl: server.url });
        const file = writeResult(name, metrics);
        console.log(JSON.stringify({ bench: name, metrics }));
        console.log(`wrote ${file}`);
      } catch (error) {
        failed = true;
        console.error(`${name} failed:`, error);
      }
    }
  } finally {
    await browser.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

await main();
