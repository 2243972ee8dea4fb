// The root tsconfig does not include sync-server/, so the ambient typings travel with the
// module that needs them, into every program that imports it.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./vendor.d.ts" />
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join, sep } from 'node:path';
import { pipeline } from 'node:stream';
import type { Request, RequestHandler, Response } from 'express';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';
import { redact } from './config';

/**
 * The CouchDB endpoint behind the /db gate: either the embedded express-pouchdb store or a
 * streaming proxy to an external Apache CouchDB. The gate only ever sees this interface.
 */
export interface CouchBackend {
  /** Serves a request whose url is relative to /db. */
  handler: RequestHandler;
  exists(db: string): Promise<boolean>;
  /** Opens the backend; memoized, and awaited before any request reaches `handler`. */
  start(): Promise<void>;
  describe: string;
  close(): Promise<void>;
}

export function createEmbeddedBackend(dataDir: string): CouchBackend {
  const prefix = join(dataDir, 'couch') + sep;
  // LevelDB creates a database's own folder but not the parent.
  mkdirSync(prefix, { recursive: true, mode: 0o700 });
  const Pouch = PouchDB.defaults({ prefix });
  // minimumForPouchDB leaves out /_config, /_users, /_replicate, sessions and CORS: the
  // gate in front is the only authority, so there is no admin party to lock down.
  const app = expressPouchDB({ mode: 'minimumForPouchDB' });
  let started: Promise<void> | undefined;
  return {
    handler: app,
    start() {
      // Listing the databases opens the store, so a broken data directory fails the start
      // rather than the first request.
      started ??= app.setPouchDB(Pouch).then(async () => {
        await Pouch.allDbs?.();
      });
      return started;
    },
    describe: `embedded store in ${prefix}`,
    // Asked of the disk rather than express-pouchdb's allDbs(), whose list is fed by
    // process-wide PouchDB events and so also counts databases opened by other code.
    async exists(db) {
      try {
        return (await stat(join(prefix, db))).isDirectory();
      } catch {
        return false;
      }
    },
    async close() {
      if (!started) return;
      await started.catch(() => undefined);
      const open = [...(Pouch.__dbCacheMap?.values() ?? [])];
      Pouch.__dbCacheMap?.clear();
      await Promise.allSettled(open.map((db) => db.close()));
    },
  };
}

// Headers that describe one hop of a connection, not the message; never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

export function createProxyBackend(couchdbUrl: string): CouchBackend {
  const base = new URL(couchdbUrl);
  const credentials = base.username
    ? 'Basic ' +
      Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString(
        'base64',
      )
    : undefined;
  base.username = '';
  base.password = '';
  const basePath = base.pathname.replace(/\/+$/, '');
  const transport = base.protocol === 'https:' ? https : http;
  const agent = new transport.Agent({ keepAlive: true });
  const shown = redact(couchdbUrl);

  const upstream = (method: string, path: string, headers: http.OutgoingHttpHeaders) =>
    transport.request({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || undefined,
      path: basePath + path,
      method,
      headers: { ...headers, host: base.host, ...(credentials ? { authorization: credentials } : {}) },
      agent,
    });

  const handler: RequestHandler = (req: Request, res: Response) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // The client's Authorization is ours (a Loupe token); the proxy speaks as the server.
      if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'cookie')
        continue;
      headers[name] = value;
    }
    const out = upstream(req.method, req.url, headers);
    out.on('response', (incoming) => {
      res.status(incoming.statusCode ?? 502);
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined || HOP_BY_HOP.has(name) || name === 'set-cookie') continue;
        if (name === 'location' && typeof value === 'string') {
          res.setHeader(name, rewriteLocation(value, base, basePath));
          continue;
        }
        res.setHeader(name, value);
      }
      pipeline(incoming, res, () => undefined);
    });
    out.on('error', (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      res
        .status(502)
        .json({ error: 'bad_gateway', reason: `CouchDB at ${shown} could not be reached: ${err.message}` });
    });
    // A client that goes away (a long-polled _changes feed, say) must not leave the upstream request open.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    pipeline(req, out, () => undefined);
  };

  return {
    handler,
    start: () => Promise.resolve(),
    describe: `CouchDB at ${shown}`,
    exists(db) {
      return new Promise((resolve, reject) => {
        const out = upstream('HEAD', `/${encodeURIComponent(db)}`, {});
        out.on('response', (incoming) => {
          incoming.resume();
          if (incoming.statusCode === 200) resolve(true);
          else if (incoming.statusCode === 404) resolve(false);
          else
            reject(new Error(`CouchDB at ${shown} answered ${incoming.statusCode ?? '?'} for HEAD /${db}`));
        });
        out.on('error', (err) =>
          reject(new Error(`CouchDB at ${shown} could not be reached: ${err.message}`)),
        );
        out.end();
      });
    },
    async close() {
      agent.destroy();
    },
  };
}

/** Points an upstream Location header at our /db mount instead of the CouchDB origin. */
function rewriteLocation(location: string, base: URL, basePath: string): string {
  try {
    const url = new URL(location, base);
    if (url.host !== base.host || !url.pathname.startsWith(basePath)) return location;
    return '/db' + url.pathname.slice(basePath.length) + url.search;
  } catch {
    return location;
  }
}
