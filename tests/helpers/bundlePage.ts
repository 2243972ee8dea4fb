/**
 * Serves a test page bundled from TypeScript with esbuild, cross-origin isolated like the app,
 * together with the worker entries it starts and a read-only folder of fixtures under /files/.
 */
import { build } from 'esbuild';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, resolve } from 'node:path';
import { crossOriginIsolationHeaders } from '../../sync-server/headers';

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface TestPage {
  url: string;
  close(): Promise<void>;
}

/** One TypeScript entry (absolute path) bundled for the browser, with the app's `$lib` alias. */
export async function bundle(entry: string, options: { minify?: boolean } = {}): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    minify: options.minify ?? false,
    alias: { $lib: join(ROOT, 'src', 'lib') },
  });
  return result.outputFiles[0]?.contents ?? new Uint8Array();
}

/**
 * `entry` is relative to tests/e2e/pages; `workers` are paths relative to the repository root
 * (e.g. "workers/io.worker.ts"), served at "/<path>", which is where `new URL(…, import.meta.url)`
 * in a bundle at the root resolves them.
 */
export function serveTestPage(
  entry: string,
  options: { workers?: string[]; files?: string } = {},
): Promise<TestPage> {
  return serveBundledPage(join(import.meta.dirname, '..', 'e2e', 'pages', entry), options);
}

/** The same for any entry given by its absolute path (benchmark pages use it too). */
export async function serveBundledPage(
  entryPath: string,
  options: { workers?: string[]; files?: string; minify?: boolean } = {},
): Promise<TestPage> {
  const scripts = new Map<string, Uint8Array>();
  scripts.set('/page.js', await bundle(entryPath, { minify: options.minify }));
  for (const worker of options.workers ?? []) scripts.set(`/${worker}`, await bundle(join(ROOT, worker)));
  const html = `<!doctype html><meta charset="utf-8"><title>test</title><script type="module" src="/page.js"></script>`;
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const script = scripts.get(path);
    if (script) {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(script);
      return;
    }
    if (options.files && path.startsWith('/files/')) {
      const file = normalize(join(options.files, path.slice('/files/'.length)));
      if (file.startsWith(options.files) && existsSync(file) && statSync(file).isFile()) {
        res.setHeader('Content-Type', 'application/octet-stream');
        createReadStream(file).pipe(res);
      } else {
        res.statusCode = 404;
        res.end();
      }
      return;
    }
    res.setHeader('Content-Type', 'text/html');
    res.end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
