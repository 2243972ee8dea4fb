/**
 * Serves the video test/bench page (bench/pages/video.ts) bundled with esbuild, cross-origin
 * isolated like the app, with what the app's Vite build would otherwise provide: the media
 * worker, ffmpeg.wasm's own worker, `?url` imports (served from node_modules) and a folder of
 * reference files under /ref/.
 */
import { build, type Plugin } from 'esbuild';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { crossOriginIsolationHeaders } from '../sync-server/headers';

const ROOT = resolve(import.meta.dirname, '..');

/** `import x from 'pkg/file?url'` → the file's path on this server, as Vite does. */
const urlImports: Plugin = {
  name: 'url-imports',
  setup(b) {
    b.onResolve({ filter: /\?url$/ }, async (args) => {
      const target = await b.resolve(args.path.slice(0, -'?url'.length), {
        kind: 'import-statement',
        resolveDir: args.resolveDir,
      });
      if (target.errors.length > 0) return { errors: target.errors };
      return { path: target.path, namespace: 'asset-url' };
    });
    b.onLoad({ filter: /.*/, namespace: 'asset-url' }, (args) => ({
      contents: `export default ${JSON.stringify(`/@fs${args.path}`)};`,
      loader: 'js',
    }));
  },
};

async function bundle(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    minify: true,
    plugins: [urlImports],
    alias: { $lib: join(ROOT, 'src', 'lib') },
  });
  return result.outputFiles[0]?.contents ?? new Uint8Array();
}

export interface VideoPage {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

export async function serveVideoPage(options: { refDir?: string } = {}): Promise<VideoPage> {
  const scripts = new Map<string, Uint8Array>([
    ['/page.js', await bundle(join(ROOT, 'bench', 'pages', 'video.ts'))],
    ['/workers/media.worker.ts', await bundle(join(ROOT, 'workers', 'media.worker.ts'))],
    // ffmpeg.wasm starts `new URL('./worker.js', import.meta.url)` from inside the media worker.
    [
      '/workers/worker.js',
      await bundle(join(ROOT, 'node_modules', '@ffmpeg', 'ffmpeg', 'dist', 'esm', 'worker.js')),
    ],
  ]);
  const html = `<!doctype html><meta charset="utf-8"><title>video</title><input type="file" id="files" multiple><script type="module" src="/page.js"></script>`;
  const nodeModules = join(ROOT, 'node_modules');
  const serveFile = (file: string, res: import('node:http').ServerResponse) => {
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    createReadStream(file).pipe(res);
  };
  const server: Server = createServer((req, res) => {
    for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const script = scripts.get(path);
    if (script) {
      res.setHeader('Content-Type', 'text/javascript');
      res.end(script);
    } else if (path.startsWith('/@fs/')) {
      const file = normalize(path.slice('/@fs'.length));
      if (!file.startsWith(nodeModules)) {
        res.statusCode = 403;
        res.end();
      } else serveFile(file, res);
    } else if (path.startsWith('/ref/') && options.refDir) {
      const file = normalize(join(options.refDir, path.slice('/ref/'.length)));
      if (!file.startsWith(options.refDir)) {
        res.statusCode = 403;
        res.end();
      } else serveFile(file, res);
    } else {
      res.setHeader('Content-Type', 'text/html');
      res.end(html);
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
