/**
 * The built app plus a bundled bench page on ONE origin, served by the real server: the page
 * seeds the app's own IndexedDB through the store code, then the bench opens the app on it.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../sync-server/app';
import { bundle } from '../tests/helpers/bundlePage';

export interface SameOriginBench {
  url: string;
  /** The seeding page, e.g. `${url}/bench/jobSeed.html`. */
  pageUrl: string;
  close(): Promise<void>;
}

/** A temp folder with the built app plus the bench page `entry` in `app/`, and an empty `data/`. */
export async function prepareBenchApp(
  entry: string,
): Promise<{ root: string; appDir: string; dataDir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'loupe-bench-app-'));
  const appDir = join(root, 'app');
  cpSync(resolve('build'), appDir, { recursive: true });
  const script = await bundle(join(import.meta.dirname, 'pages', `${entry}.ts`), { minify: true });
  mkdirSync(join(appDir, 'bench'), { recursive: true });
  writeFileSync(join(appDir, 'bench', `${entry}.js`), script);
  writeFileSync(
    join(appDir, 'bench', `${entry}.html`),
    `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench/${entry}.js"></script>`,
  );
  return { root, appDir, dataDir: join(root, 'data') };
}

export async function serveAppWithBenchPage(entry: string): Promise<SameOriginBench> {
  const { root, appDir, dataDir } = await prepareBenchApp(entry);
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, appDir });
  return {
    url: server.url,
    pageUrl: `${server.url}/bench/${entry}.html`,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
