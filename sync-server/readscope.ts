import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { workspaceDbName, type Collection, type WorkspaceDb } from './access';
import { sendError } from './auth';
import type { AllDocsAnswer, AllDocsOptions, ChangeRow, CouchBackend, Seq } from './couch';
import type { CouchDoc } from './rules';

/**
 * What a worker reads of a workspace, as CVAT has it: the jobs assigned to them, the
 * annotations (frame, track, review) of those jobs, the tasks and projects that hold them
 * and the media of those tasks. Owners, maintainers and supervisors read everything and
 * never come here.
 *
 * The gate answers a worker's document reads itself, from the backend: `_changes`,
 * `_all_docs`, `_bulk_get` and single documents are filtered, `_find` gets the worker's
 * scope added to its selector, and endpoints that could be used to get around the filter
 * are refused.
 *
 * Sequences. A checkpoint passes over documents that were invisible when it was read, so
 * when a job is assigned later, its older documents would never arrive. The sequences a
 * worker gets carry an epoch, a hash of what their assignments make visible:
 * `j<12 hex>-<upstream seq>`. A `since` with another epoch (or a bare sequence from before)
 * reads the feed from the start again; `0` and `now` are taken as they are.
 */

/** What the worker's assignments make visible, and its hash. */
export interface ReadScope {
  user: string;
  jobs: ReadonlySet<string>;
  tasks: ReadonlySet<string>;
  projects: ReadonlySet<string>;
  epoch: string;
}

/** Longest a worker's long poll is held before it is answered (empty) and asked again. */
export const MAX_LONGPOLL_MS = 50_000;
/** How often a long poll looks again at the assignments while it waits. */
const ASSIGNMENT_CHECK_MS = 3_000;
/** Upstream batch size while looking for visible changes. */
const SCAN_BATCH = 200;
/** Upstream page size for a worker's `_all_docs` without keys. */
const ALL_DOCS_PAGE = 500;

const EPOCH_SEQ = /^j([0-9a-f]{12})-(.+)$/s;

interface JobsEntry {
  seq: Seq;
  jobs: CouchDoc[];
}

/** Job documents per job database, reused while the database's update sequence is the same. */
class JobCache {
  private entries = new Map<string, JobsEntry>();
  constructor(private readonly max = 200) {}

  async jobs(backend: CouchBackend, db: string): Promise<CouchDoc[]> {
    const seq = await backend.updateSeq(db);
    const cached = this.entries.get(db);
    if (cached && cached.seq === seq) return cached.jobs;
    // Read after the sequence: the documents are at least as new as the sequence they are kept under.
    const jobs = await backend.allDocs(db);
    this.entries.delete(db);
    this.entries.set(db, { seq, jobs });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return jobs;
  }
}

export async function readScope(
  backend: CouchBackend,
  cache: JobCache,
  org: string,
  user: string,
): Promise<ReadScope> {
  const all = await cache.jobs(backend, workspaceDbName(org, 'job'));
  const jobs = new Set<string>();
  const tasks = new Set<string>();
  const projects = new Set<string>();
  const lines: string[] = [];
  for (const job of all) {
    if (job.assignee !== user || typeof job._id !== 'string') continue;
    jobs.add(job._id);
    if (typeof job.task_id === 'string') tasks.add(job.task_id);
    if (typeof job.project_id === 'string') projects.add(job.project_id);
    lines.push(`${job._id}\n${String(job.task_id)}\n${String(job.project_id)}`);
  }
  const epoch = createHash('sha256').update(lines.sort().join('\n\n')).digest('hex').slice(0, 12);
  return { user, jobs, tasks, projects, epoch };
}

/** The part of a document id before its last colon (`<job>:<frame>`, `<task>:<chunk>`). */
function idPrefix(id: string): string | undefined {
  const at = id.lastIndexOf(':');
  return at > 0 ? id.slice(0, at) : undefined;
}

/**
 * Whether a worker with this scope sees the document. Tombstones are judged by the fields
 * they kept (RxDB keeps them all); a bare tombstone of a frame or media chunk by its id.
 */
export function isVisible(
  collection: Collection,
  id: string,
  doc: CouchDoc | null | undefined,
  scope: ReadScope,
) {
  const field = (name: string) => (doc && typeof doc[name] === 'string' ? (doc[name] as string) : undefined);
  switch (collection) {
    case 'job':
      return doc?.assignee === scope.user;
    case 'task':
      return scope.tasks.has(id);
    case 'project':
      return scope.projects.has(id);
    case 'media': {
      const task = field('task_id') ?? idPrefix(id);
      return task !== undefined && scope.tasks.has(task);
    }
    case 'frame':
    case 'track':
    case 'review': {
      const job = field('job_id') ?? (collection === 'frame' ? idPrefix(id) : undefined);
      return job !== undefined && scope.jobs.has(job);
    }
  }
}

/** A sequence as handed to the worker. */
export function encodeSeq(epoch: string, seq: Seq): string {
  return `j${epoch}-${String(seq)}`;
}

/** The upstream sequence to read from, given the worker's `since` and the current epoch. */
export function decodeSince(since: string | undefined, epoch: string): Seq {
  if (since === undefined || since === '' || since === '0') return 0;
  if (since === 'now') return 'now';
  const match = EPOCH_SEQ.exec(since);
  // Another epoch, or a bare sequence from before epochs: read from the start.
  if (!match || match[1] !== epoch) return 0;
  const upstream = match[2] as string;
  return /^\d+$/.test(upstream) ? Number(upstream) : upstream;
}

/**
 * For everyone but workers: a `since` of the workers' form (from a checkpoint taken while the
 * user was a worker) is read from the start, since they now see more than it covered.
 */
export function unscopeSince(req: Request): void {
  const [path = '', query = ''] = req.url.split('?');
  const params = new URLSearchParams(query);
  const since = params.get('since');
  if (since === null || !EPOCH_SEQ.test(since)) return;
  params.set('since', '0');
  req.url = `${path}?${params.toString()}`;
  // Express parsed the query already; the embedded store reads it from there.
  (req.query as Record<string, unknown>).since = '0';
}

type Params = Record<string, unknown>;

/** Query parameters and, for a POST, the JSON body's fields (the body wins, as in CouchDB). */
function paramsOf(req: Request): Params {
  const params: Params = {};
  const query = new URLSearchParams(req.url.split('?')[1] ?? '');
  for (const [name, value] of query) params[name] = value;
  if (req.method === 'POST' && typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body))
    Object.assign(params, req.body as Params);
  return params;
}

const truthy = (value: unknown) => value === true || value === 'true';

function intParam(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : undefined;
}

/** A JSON-encoded query value (`keys=["a"]`, `startkey="x"`), or the body's value as it is. */
function jsonParam(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

// Read endpoints below a database that show no workspace documents.
const PASS_ENDPOINTS = new Set([
  '_revs_diff',
  '_missing_revs',
  '_ensure_full_commit',
  '_design_docs',
  '_local_docs',
  '_index',
  '_revs_limit',
  '_explain',
]);

export interface ScopedReads {
  /** Answers (or passes on) a worker's read of a workspace database. */
  handle(
    db: WorkspaceDb,
    user: string,
    read: { docId?: string; tail: string[] },
    req: Request,
    res: Response,
    next: NextFunction,
  ): Promise<void>;
}

export function scopedReads(backend: CouchBackend, parse: RequestHandler): ScopedReads {
  const cache = new JobCache();
  const scopeOf = (db: WorkspaceDb, user: string) => readScope(backend, cache, db.org, user);
  const parseBody = (req: Request, res: Response) =>
    new Promise<void>((resolve, reject) =>
      parse(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
    );

  return {
    async handle(db, user, read, req, res, next) {
      const { docId, tail } = read;
      if (docId === undefined) return next(); // database information
      if (req.method === 'POST') await parseBody(req, res);
      if (docId === '_changes' && tail.length === 0) return changes(db, user, req, res);
      if (docId === '_all_docs' && tail.length === 0) return allDocs(db, user, req, res);
      if (docId === '_bulk_get' && tail.length === 0) return bulkGet(db, user, req, res);
      if (docId === '_find' && tail.length === 0) return find(db, user, req, res, next);
      if (docId.startsWith('_local/') || docId.startsWith('_design/')) return next();
      if (PASS_ENDPOINTS.has(docId) && tail.length === 0) return next();
      if (docId.startsWith('_')) {
        return sendError(
          res,
          403,
          'forbidden',
          `Workers cannot read ${docId}; they replicate their own jobs.`,
        );
      }
      // A document or one of its attachments: only when the current version is visible.
      const stored = (await backend.getDocs(db.name, [docId])).get(docId);
      const scope = await scopeOf(db, user);
      if (!stored || !isVisible(db.collection, docId, stored, scope)) {
        return sendError(res, 404, 'not_found', 'missing');
      }
      return next();
    },
  };

  async function changes(db: WorkspaceDb, user: string, req: Request, res: Response) {
    const params = paramsOf(req);
    const feed = typeof params.feed === 'string' ? params.feed : 'normal';
    if (feed !== 'normal' && feed !== 'longpoll') {
      return sendError(
        res,
        403,
        'forbidden',
        `Workers read changes with feed=normal or feed=longpoll, not ${feed}.`,
      );
    }
    let onlyIds: Set<string> | undefined;
    if (params.filter !== undefined) {
      const ids = jsonParam(params.doc_ids);
      if (params.filter !== '_doc_ids' || !Array.isArray(ids) || !ids.every((i) => typeof i === 'string')) {
        return sendError(
          res,
          403,
          'forbidden',
          'Workers read changes without a filter, or with filter=_doc_ids and a doc_ids list.',
        );
      }
      onlyIds = new Set(ids as string[]);
    } else if (params.doc_ids !== undefined || params.view !== undefined || params.selector !== undefined) {
      return sendError(
        res,
        403,
        'forbidden',
        'Workers send doc_ids only with filter=_doc_ids; view and selector filters are not available to them.',
      );
    }
    if (truthy(params.descending)) {
      return sendError(res, 403, 'forbidden', 'Workers read changes in ascending order only.');
    }
    const includeDocs = truthy(params.include_docs);
    const limit = intParam(params.limit);
    const wanted = limit === undefined ? Infinity : Math.max(1, limit);
    const style = params.style === 'all_docs' ? 'all_docs' : 'main_only';
    const extra = {
      style,
      conflicts: truthy(params.conflicts),
      attachments: truthy(params.attachments),
    } as const;

    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const signal = controller.signal;

    let scope = await scopeOf(db, user);
    let cursor = decodeSince(
      typeof params.since === 'string' ? params.since : String(params.since ?? 0),
      scope.epoch,
    );
    if (cursor === 'now') cursor = (await backend.changes(db.name, { since: 'now', limit: 1 })).last_seq;

    const visible: ChangeRow[] = [];
    /** Reads from the cursor; true when the answer is complete (something visible, or the limit). */
    const take = (rows: ChangeRow[]): boolean => {
      for (const row of rows) {
        if (visible.length >= wanted) return true;
        cursor = row.seq ?? cursor;
        if (onlyIds && !onlyIds.has(row.id)) continue;
        if (row.id.startsWith('_design/') || !isVisible(db.collection, row.id, row.doc, scope)) continue;
        visible.push(row);
      }
      return visible.length >= wanted;
    };

    const deadline =
      Date.now() +
      Math.min(
        MAX_LONGPOLL_MS,
        intParam(params.timeout) ?? MAX_LONGPOLL_MS,
        intParam(params.heartbeat) ?? MAX_LONGPOLL_MS,
      );
    for (;;) {
      if (signal.aborted) return;
      const waitMs = feed === 'longpoll' ? Math.min(ASSIGNMENT_CHECK_MS, deadline - Date.now()) : 0;
      const batch = await backend.changes(db.name, {
        since: cursor,
        limit: SCAN_BATCH,
        ...extra,
        ...(waitMs > 0 ? { waitMs, signal } : {}),
      });
      if (signal.aborted) return;
      if (take(batch.results)) break;
      cursor = batch.last_seq;
      // More upstream: go on while nothing is visible yet (or no limit was asked for).
      if (batch.results.length >= SCAN_BATCH && (visible.length === 0 || wanted === Infinity)) continue;
      if (visible.length > 0 || feed === 'normal' || Date.now() >= deadline) break;
      // A long poll with nothing visible yet: if the assignments changed, read from the start.
      const current = await scopeOf(db, user);
      if (current.epoch !== scope.epoch) {
        scope = current;
        cursor = 0;
      }
    }
    res.json({
      results: visible.map((row) => {
        const seq = encodeSeq(scope.epoch, row.seq);
        const out: Record<string, unknown> = { seq, id: row.id, changes: row.changes };
        if (row.deleted) out.deleted = true;
        if (includeDocs) out.doc = row.doc;
        return out;
      }),
      last_seq: encodeSeq(scope.epoch, cursor),
    });
  }

  async function allDocs(db: WorkspaceDb, user: string, req: Request, res: Response) {
    const params = paramsOf(req);
    const scope = await scopeOf(db, user);
    const includeDocs = truthy(params.include_docs);
    const conflicts = truthy(params.conflicts);
    const keyParam = jsonParam(params.keys);
    const single = params.key !== undefined ? jsonParam(params.key) : undefined;
    const keys = Array.isArray(keyParam) ? keyParam : single !== undefined ? [single] : undefined;
    const shape = (answer: AllDocsAnswer['rows'][number]) => {
      const out: Record<string, unknown> = { ...answer };
      if (!includeDocs) delete out.doc;
      return out;
    };

    if (keys) {
      if (!keys.every((k) => typeof k === 'string')) {
        return sendError(res, 400, 'bad_request', '`keys` must be a list of document ids.');
      }
      const answer = await backend.allDocsRows(db.name, { keys: keys as string[], conflicts });
      const rows = answer.rows.map((row) => {
        if (row.error || !row.id) return row;
        // A deleted row has no body to judge by; it is shown only when its id alone tells.
        const body = row.doc ?? (row.value?.deleted ? null : undefined);
        return isVisible(db.collection, row.id, body, scope) ? row : { key: row.key, error: 'not_found' };
      });
      res.json({ total_rows: rows.length, offset: 0, rows: rows.map(shape) });
      return;
    }

    // Without keys: page through the range and keep the visible rows.
    const descending = truthy(params.descending);
    const inclusiveEnd = params.inclusive_end === undefined ? true : truthy(params.inclusive_end);
    const start = jsonParam(params.startkey ?? params.start_key);
    const end = jsonParam(params.endkey ?? params.end_key);
    let skip = intParam(params.skip) ?? 0;
    const limit = intParam(params.limit) ?? Infinity;
    const rows: AllDocsAnswer['rows'] = [];
    const options: AllDocsOptions = {
      descending,
      inclusive_end: inclusiveEnd,
      conflicts,
      limit: ALL_DOCS_PAGE,
      ...(typeof start === 'string' ? { startkey: start } : {}),
      ...(typeof end === 'string' ? { endkey: end } : {}),
    };
    while (rows.length < limit) {
      const page = await backend.allDocsRows(db.name, options);
      for (const row of page.rows) {
        if (rows.length >= limit) break;
        if (!row.id || row.id.startsWith('_design/') || !isVisible(db.collection, row.id, row.doc, scope))
          continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        rows.push(row);
      }
      const last = page.rows[page.rows.length - 1];
      if (page.rows.length < ALL_DOCS_PAGE || !last) break;
      options.startkey = last.key;
      options.skip = 1;
    }
    res.json({ total_rows: rows.length, offset: 0, rows: rows.map(shape) });
  }

  async function bulkGet(db: WorkspaceDb, user: string, req: Request, res: Response) {
    const params = paramsOf(req);
    const docs = params.docs;
    if (
      !Array.isArray(docs) ||
      !docs.every(
        (d) => typeof d === 'object' && d !== null && typeof (d as { id?: unknown }).id === 'string',
      )
    ) {
      return sendError(res, 400, 'bad_request', 'Send {"docs": [{"id": …, "rev": …}, …]}.');
    }
    const scope = await scopeOf(db, user);
    const answer = await backend.bulkGet(db.name, docs as { id: string; rev?: string }[], {
      revs: truthy(params.revs),
      latest: truthy(params.latest),
      attachments: truthy(params.attachments),
    });
    res.json({
      results: answer.results.map((result) => ({
        id: result.id,
        docs: result.docs.map((entry) => {
          if (!('ok' in entry)) return entry;
          if (isVisible(db.collection, result.id, entry.ok, scope)) return entry;
          return { error: { id: result.id, rev: entry.ok._rev, error: 'not_found', reason: 'missing' } };
        }),
      })),
    });
  }

  async function find(db: WorkspaceDb, user: string, req: Request, res: Response, next: NextFunction) {
    const body = req.body as Params | undefined;
    if (typeof body !== 'object' || body === null || typeof body.selector !== 'object') {
      return sendError(res, 400, 'bad_request', 'Send {"selector": {…}}.');
    }
    const scope = await scopeOf(db, user);
    req.body = { ...body, selector: { $and: [body.selector, scopeSelector(db.collection, scope)] } };
    next();
  }
}

/** A Mango selector that matches what the scope makes visible (live documents only). */
export function scopeSelector(collection: Collection, scope: ReadScope): Record<string, unknown> {
  switch (collection) {
    case 'job':
      return { assignee: scope.user };
    case 'task':
      return { _id: { $in: [...scope.tasks] } };
    case 'project':
      return { _id: { $in: [...scope.projects] } };
    case 'media':
      return { task_id: { $in: [...scope.tasks] } };
    default:
      return { job_id: { $in: [...scope.jobs] } };
  }
}
