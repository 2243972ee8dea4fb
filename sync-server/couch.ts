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
import { deleteDB, getOrCreateDB } from 'express-pouchdb/lib/create-or-delete-dbs.js';
import PouchDB from 'pouchdb-node';
import { redact } from './config';
import type { CouchDoc } from './rules';

/**
 * The CouchDB endpoint behind the /db gate: either the embedded express-pouchdb store or a
 * streaming proxy to an external Apache CouchDB. The gate only ever sees this interface.
 */
export interface CouchBackend {
  /**
   * Serves a request whose url is relative to /db. When the gate has parsed the body
   * (`req.body` with body-parser's `req._body` flag), that parsed body is what is sent on.
   */
  handler: RequestHandler;
  exists(db: string): Promise<boolean>;
  /** The current versions of documents (undefined for missing or deleted ones). */
  getDocs(db: string, ids: readonly string[]): Promise<Map<string, CouchDoc | undefined>>;
  /** All live documents of a database (for exports). */
  allDocs(db: string): Promise<CouchDoc[]>;
  /**
   * One batch of the changes feed, always with documents (`include_docs`). With `waitMs`,
   * waits up to that long for a first change after `since` (a long poll) and answers an
   * empty batch at `since` when none came.
   */
  changes(db: string, options: ChangesOptions): Promise<ChangesBatch>;
  /** The database's current update sequence (opaque; it changes with every write). */
  updateSeq(db: string): Promise<Seq>;
  /** `_all_docs` rows, always with documents. */
  allDocsRows(db: string, options: AllDocsOptions): Promise<AllDocsAnswer>;
  /** `_bulk_get`, in CouchDB's answer shape. */
  bulkGet(db: string, docs: BulkGetRequest[], options: BulkGetOptions): Promise<BulkGetAnswer>;
  /** Creates a database if it does not exist. */
  createDatabase(db: string): Promise<void>;
  /** Deletes a database if it exists. */
  deleteDatabase(db: string): Promise<void>;
  /** Opens the backend; memoized, and awaited before any request reaches `handler`. */
  start(): Promise<void>;
  describe: string;
  close(): Promise<void>;
}

/** A CouchDB update sequence: a number (PouchDB) or an opaque string (CouchDB 2 and later). */
export type Seq = string | number;

export interface ChangesOptions {
  since: Seq;
  limit: number;
  style?: 'all_docs' | 'main_only';
  conflicts?: boolean;
  attachments?: boolean;
  waitMs?: number;
  signal?: AbortSignal;
}

export interface ChangeRow {
  id: string;
  seq: Seq;
  changes: { rev: string }[];
  deleted?: boolean;
  doc?: CouchDoc | null;
}

export interface ChangesBatch {
  results: ChangeRow[];
  last_seq: Seq;
}

export interface AllDocsOptions {
  keys?: string[];
  startkey?: string;
  endkey?: string;
  inclusive_end?: boolean;
  descending?: boolean;
  limit?: number;
  skip?: number;
  conflicts?: boolean;
}

export interface AllDocsRow {
  id?: string;
  key: string;
  value?: { rev: string; deleted?: boolean };
  doc?: CouchDoc | null;
  error?: string;
}

export interface AllDocsAnswer {
  total_rows?: number;
  offset?: number;
  rows: AllDocsRow[];
}

export interface BulkGetRequest {
  id: string;
  rev?: string;
  atts_since?: string[];
}

export interface BulkGetOptions {
  revs?: boolean;
  latest?: boolean;
  attachments?: boolean;
}

export interface BulkGetAnswer {
  results: { id: string; docs: ({ ok: CouchDoc } | { error: Record<string, unknown> })[] }[];
}

// The parts of PouchDB's database API the read paths use (vendor.d.ts types the rest).
interface PouchReads {
  changes(options: Record<string, unknown>): Promise<ChangesBatch> & {
    on(event: 'change' | 'complete' | 'error', listener: (...args: unknown[]) => void): unknown;
    cancel(): void;
  };
  info(): Promise<{ update_seq: Seq }>;
  allDocs(options: Record<string, unknown>): Promise<AllDocsAnswer>;
  bulkGet(options: Record<string, unknown>): Promise<{
    results: { id: string; docs: ({ ok: CouchDoc } | { error: { name?: string; message?: string } })[] }[];
  }>;
}

/** PouchDB takes numeric sequences as numbers. */
function pouchSince(since: Seq): Seq {
  return typeof since === 'string' && /^\d+$/.test(since) ? Number(since) : since;
}

export function createEmbeddedBackend(dataDir: string): CouchBackend {
  const prefix = join(dataDir, 'couch') + sep;
  // LevelDB creates a database's own folder but not the parent.
  mkdirSync(prefix, { recursive: true, mode: 0o700 });
  const Pouch = PouchDB.defaults({ prefix });
  // minimumForPouchDB leaves out /_config, /_users, /_replicate, sessions and CORS: the
  // gate in front is the only authority, so there is no admin party to lock down.
  // Views and temporary views evaluate JavaScript from documents; the gate refuses them and
  // they are not even mounted.
  const app = expressPouchDB({
    mode: 'minimumForPouchDB',
    overrideMode: { exclude: ['routes/temp-views', 'routes/views', 'routes/view-cleanup'] },
  });
  let started: Promise<void> | undefined;
  const openDb = (db: string) => getOrCreateDB(Pouch, db);
  const reads = async (db: string) => (await openDb(db)) as unknown as PouchReads;
  return {
    handler: app,
    async changes(db, options) {
      const pouch = await reads(db);
      const query = {
        since: pouchSince(options.since),
        limit: options.limit,
        include_docs: true,
        style: options.style ?? 'main_only',
        conflicts: options.conflicts ?? false,
        attachments: options.attachments ?? false,
        return_docs: true,
      };
      const first = await pouch.changes(query);
      if (first.results.length > 0 || !options.waitMs) return first;
      const changed = await new Promise<boolean>((resolve) => {
        const feed = pouch.changes({ since: first.last_seq, live: true, limit: 1 });
        const done = (value: boolean) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', abort);
          feed.cancel();
          resolve(value);
        };
        const abort = () => done(false);
        const timer = setTimeout(abort, options.waitMs);
        options.signal?.addEventListener('abort', abort);
        feed.on('change', () => done(true));
        feed.on('error', abort);
      });
      return changed ? pouch.changes({ ...query, since: first.last_seq }) : first;
    },
    async updateSeq(db) {
      return (await (await reads(db)).info()).update_seq;
    },
    async allDocsRows(db, options) {
      return (await reads(db)).allDocs({ ...options, include_docs: true });
    },
    async bulkGet(db, docs, options) {
      const answer = await (await reads(db)).bulkGet({ docs, ...options });
      // As express-pouchdb answers it over HTTP.
      return {
        results: answer.results.map((r) => ({
          id: r.id,
          docs: r.docs.map((d) =>
            'ok' in d ? d : { error: { id: r.id, error: d.error.name, reason: d.error.message } },
          ),
        })),
      };
    },
    async getDocs(db, ids) {
      const result = new Map<string, CouchDoc | undefined>();
      if (ids.length === 0) return result;
      const { rows } = await (await openDb(db)).allDocs({ keys: [...ids], include_docs: true });
      for (const row of rows) result.set(row.key, row.doc && !row.doc._deleted ? row.doc : undefined);
      return result;
    },
    async allDocs(db) {
      const { rows } = await (await openDb(db)).allDocs({ include_docs: true });
      return rows.flatMap((row) => (row.doc && !row.id.startsWith('_design/') ? [row.doc] : []));
    },
    async createDatabase(db) {
      await (await openDb(db)).info();
    },
    async deleteDatabase(db) {
      await deleteDB(Pouch, db);
    },
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
      // pouchdb-all-dbs keeps its own handle on its bookkeeping database; a second handle
      // on the same name shares the LevelDB store, and closing it releases the lock for
      // other processes (the CLI's export).
      open.push(new Pouch('pouch__all_dbs__'));
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

  /** A JSON request of the server's own (not a client's) to CouchDB. */
  const json = (
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const out = upstream(method, path, {
        accept: 'application/json',
        ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
      });
      out.on('response', (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (c: Buffer) => chunks.push(c));
        incoming.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({
              status: incoming.statusCode ?? 502,
              body: text ? (JSON.parse(text) as unknown) : undefined,
            });
          } catch {
            reject(
              new Error(`CouchDB at ${shown} answered ${method} ${path} with something that is not JSON.`),
            );
          }
        });
        incoming.on('error', reject);
      });
      out.on('error', (err) => reject(new Error(`CouchDB at ${shown} could not be reached: ${err.message}`)));
      if (signal) {
        const abort = () => {
          out.destroy();
          reject(new Error('aborted'));
        };
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort, { once: true });
        out.on('close', () => signal.removeEventListener('abort', abort));
      }
      out.end(payload);
    });
  const expect = (what: string, answer: { status: number }, ok: number[]) => {
    if (!ok.includes(answer.status))
      throw new Error(`CouchDB at ${shown} answered ${answer.status} to ${what}.`);
  };

  const handler: RequestHandler = (req: Request, res: Response) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      // The client's Authorization is ours (a Loupe token); the proxy speaks as the server.
      if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name === 'cookie')
        continue;
      headers[name] = value;
    }
    // A body the gate already read and checked is sent as it was parsed.
    const parsed = (req as Request & { _body?: boolean })._body
      ? Buffer.from(JSON.stringify(req.body))
      : undefined;
    if (parsed) {
      headers['content-length'] = parsed.length;
      headers['content-type'] = 'application/json';
      delete headers['content-encoding'];
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
    if (parsed) out.end(parsed);
    else pipeline(req, out, () => undefined);
  };

  const dbPath = (db: string) => `/${encodeURIComponent(db)}`;

  return {
    handler,
    async changes(db, options) {
      const query = new URLSearchParams({
        feed: options.waitMs ? 'longpoll' : 'normal',
        since: String(options.since),
        limit: String(options.limit),
        include_docs: 'true',
        style: options.style ?? 'main_only',
      });
      if (options.conflicts) query.set('conflicts', 'true');
      if (options.attachments) query.set('attachments', 'true');
      const path = `${dbPath(db)}/_changes?`;
      if (!options.waitMs) {
        const answer = await json('GET', path + query.toString());
        expect(`_changes of ${db}`, answer, [200]);
        return answer.body as ChangesBatch;
      }
      // CouchDB ends a long poll at `timeout`; the local timer also covers servers that do not.
      query.set('timeout', String(options.waitMs));
      const controller = new AbortController();
      const abort = () => controller.abort();
      const timer = setTimeout(abort, options.waitMs + 1000);
      options.signal?.addEventListener('abort', abort);
      try {
        const answer = await json('GET', path + query.toString(), undefined, controller.signal);
        expect(`_changes of ${db}`, answer, [200]);
        return answer.body as ChangesBatch;
      } catch (err) {
        if (controller.signal.aborted) return { results: [], last_seq: options.since };
        throw err;
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', abort);
      }
    },
    async updateSeq(db) {
      const answer = await json('GET', dbPath(db));
      expect(`information on ${db}`, answer, [200]);
      return (answer.body as { update_seq: Seq }).update_seq;
    },
    async allDocsRows(db, options) {
      const { keys, ...rest } = options;
      const query = new URLSearchParams({ include_docs: 'true' });
      for (const [name, value] of Object.entries(rest)) {
        if (value === undefined) continue;
        query.set(name, name === 'startkey' || name === 'endkey' ? JSON.stringify(value) : String(value));
      }
      const path = `${dbPath(db)}/_all_docs?${query.toString()}`;
      const answer = keys ? await json('POST', path, { keys }) : await json('GET', path);
      expect(`_all_docs of ${db}`, answer, [200]);
      return answer.body as AllDocsAnswer;
    },
    async bulkGet(db, docs, options) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(options)) if (value) query.set(name, 'true');
      const answer = await json('POST', `${dbPath(db)}/_bulk_get?${query.toString()}`, { docs });
      expect(`_bulk_get of ${db}`, answer, [200]);
      return answer.body as BulkGetAnswer;
    },
    async getDocs(db, ids) {
      const result = new Map<string, CouchDoc | undefined>();
      if (ids.length === 0) return result;
      const answer = await json('POST', `/${encodeURIComponent(db)}/_all_docs?include_docs=true`, {
        keys: ids,
      });
      expect(`_all_docs of ${db}`, answer, [200]);
      for (const row of (answer.body as { rows: { key: string; doc?: CouchDoc | null }[] }).rows)
        result.set(row.key, row.doc && !row.doc._deleted ? row.doc : undefined);
      return result;
    },
    async allDocs(db) {
      const answer = await json('GET', `/${encodeURIComponent(db)}/_all_docs?include_docs=true`);
      expect(`_all_docs of ${db}`, answer, [200]);
      const rows = (answer.body as { rows: { id: string; doc?: CouchDoc }[] }).rows;
      return rows.flatMap((row) => (row.doc && !row.id.startsWith('_design/') ? [row.doc] : []));
    },
    async createDatabase(db) {
      expect(`creating ${db}`, await json('PUT', `/${encodeURIComponent(db)}`), [201, 202, 412]);
    },
    async deleteDatabase(db) {
      expect(`deleting ${db}`, await json('DELETE', `/${encodeURIComponent(db)}`), [200, 202, 404]);
    },
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
