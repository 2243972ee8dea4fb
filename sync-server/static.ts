import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

/**
 * The built SPA. Hashed files under /_app/immutable/ never change, so they are cached for a
 * year; everything else (index.html, sw.js, the manifest) is revalidated on every load so a
 * new release is picked up.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export function staticApp(appDir: string): Router {
  const router = express.Router();
  const indexFile = join(appDir, 'index.html');

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Checked per request, so building while the server runs needs no restart.
    if (!existsSync(indexFile)) return sendNotBuilt(res, appDir);
    next();
  });

  router.use(
    express.static(appDir, {
      index: false,
      redirect: false,
      setHeaders(res, path) {
        const immutable = path.startsWith(join(appDir, '_app', 'immutable') + '/');
        res.setHeader('Cache-Control', immutable ? IMMUTABLE : REVALIDATE);
      },
    }),
  );

  // SPA fallback: client-side routes get index.html. A missing file (a path with an
  // extension) stays a 404 so a stale script URL does not come back as HTML.
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const ext = extname(req.path);
    if (ext !== '' && ext !== '.html') return next();
    res.sendFile(indexFile, { headers: { 'Cache-Control': REVALIDATE } }, (err) => {
      if (err) next(err);
    });
  });

  return router;
}

function sendNotBuilt(res: Response, appDir: string): void {
  res
    .status(503)
    .type('html')
    .setHeader('Cache-Control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loupe is not built</title></head>` +
        `<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">` +
        `<h1>Loupe is not built yet</h1>` +
        `<p>The web app was not found in <code>${escapeHtml(appDir)}</code>. ` +
        `Run <code>npm run build</code> (or <code>npm start</code>, which builds and serves), then reload this page. ` +
        `Set <code>LOUPE_APP_DIR</code> if the build lives elsewhere.</p></body></html>`,
    );
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
