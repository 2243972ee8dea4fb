/**
 * Serves a benchmark page bundled from TypeScript with esbuild, cross-origin isolated like the
 * app, on a free loopback port. Bench pages use the real store code against real IndexedDB.
 */
import { build } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crossOriginIsolationHeaders } from '../sync-server/headers';

export interface BenchPage {
  url: string;
  close(): Promise<void>;
}

export async function serveBenchPage(entry: string): Promise<BenchPage> {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, 'pages', entry)],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    minify: true,
    alias: { $lib: join(import.meta.dirname, '..', 'src', 'lib') },
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const html = `<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>`;
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
    if (req.url === '/bench.js') {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(script);
    } else {
      res.setHeader('Content-Type', 'text/html');
      res.end(html);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
