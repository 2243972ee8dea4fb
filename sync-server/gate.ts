import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { classifyDbRequest, workspaceDbName, type WorkspaceDb } from './access';
import { getAuth, sendError } from './auth';
import type { CouchBackend } from './couch';
import type { OrgStore, Role } from './orgs';
import { scopedReads, unscopeSince, type ScopedReads } from './readscope';
import { checkWrite, jobIdsToCheck, type CouchDoc } from './rules';

/**
 * The /db gate: every request is checked (token → user → membership → role rules) before it
 * reaches the CouchDB backend. Runs after requireAuth.
 *
 * Document writes are checked in full here, on the server: the body is parsed, each
 * document is compared with the version stored in the backend (for updates and deletions)
 * and with the assignee of its job, and a request with any forbidden document is refused
 * as a whole, so nothing of it is written.
 *
 * Reads are open to every member except workers, whose reads are narrowed to the jobs
 * assigned to them (readscope.ts).
 */
export interface GateOptions {
  /** Largest JSON body accepted for a write (a `_bulk_docs` batch), in bytes. */
  maxWriteBytes?: number;
}

export function dbGate(orgs: OrgStore, backend: CouchBackend, options: GateOptions = {}): RequestHandler {
  const parse = express.json({
    limit: options.maxWriteBytes ?? 64 * 1024 * 1024,
    type: ['application/json', 'application/*+json'],
  });
  const scoped = scopedReads(backend, parse);
  return (req: Request, res: Response, next: NextFunction) => {
    decide(orgs, backend, parse, scoped, req, res, next).catch(next);
  };
}

async function decide(
  orgs: OrgStore,
  backend: CouchBackend,
  parse: RequestHandler,
  scoped: ScopedReads,
  req: Request,
  res: Response,
  next: NextFunction,
) {
  const { user } = getAuth(req);
  const [path = '/', query = ''] = req.url.split('?');
  const decision = classifyDbRequest(user, req.method, path);

  switch (decision.kind) {
    case 'deny':
      return sendError(
        res,
        decision.status,
        decision.status === 400 ? 'bad_request' : 'forbidden',
        decision.reason,
      );

    case 'allow':
      return next();

    case 'session':
      // Answered here in both modes: upstream would describe the server's own CouchDB account.
      return res.json({
        ok: true,
        userCtx: { name: user.name, roles: user.admin ? ['_admin'] : [] },
        info: { authenticated: 'loupe' },
      });

    case 'member': {
      const role = await memberRole(orgs, decision.db, user.name, res);
      if (!role) return;
      if (req.method === 'PUT') await backend.createDatabase(decision.db.name);
      // Workers read only their own jobs and what holds them (readscope.ts).
      if (role === 'worker' && decision.read)
        return scoped.handle(decision.db, user.name, decision.read, req, res, next);
      if (decision.read?.docId === '_changes') unscopeSince(req);
      return next();
    }

    case 'write': {
      const role = await memberRole(orgs, decision.db, user.name, res);
      if (!role) return;
      let docs: CouchDoc[];
      if (decision.op === 'delete') {
        docs = [{ _id: decision.docId, _deleted: true }];
      } else {
        if (!req.is(['application/json', 'application/*+json'])) {
          return sendError(
            res,
            415,
            'unsupported_media_type',
            'Send documents as JSON (Content-Type: application/json); attachments go to /api/workspaces/<ws>/blobs.',
          );
        }
        await new Promise<void>((resolve, reject) =>
          parse(req, res, (err?: unknown) => (err ? reject(err) : resolve())),
        );
        const parsed = documentsOf(req.body, decision.op, decision.docId, query);
        if (typeof parsed === 'string') return sendError(res, 400, 'bad_request', parsed);
        docs = parsed;
      }
      const refused = await checkDocuments(backend, decision.db, user.name, role, docs);
      if (refused.length > 0) {
        const first = refused[0] as { id: string; reason: string };
        res.status(403).json({
          error: 'forbidden',
          reason:
            refused.length === 1
              ? `${first.id}: ${first.reason}`
              : `${refused.length} documents are not allowed; the first, ${first.id}: ${first.reason}`,
          docs: refused,
        });
        return;
      }
      return next();
    }
  }
}

/** The caller's role in the workspace, or undefined after answering 404 or 403. */
async function memberRole(
  orgs: OrgStore,
  db: WorkspaceDb,
  username: string,
  res: Response,
): Promise<Role | undefined> {
  const org = await orgs.get(db.org);
  if (!org) {
    sendError(res, 404, 'not_found', `There is no workspace ${db.org}.`);
    return undefined;
  }
  const role = Object.hasOwn(org.members, username) ? org.members[username] : undefined;
  if (!role) {
    sendError(
      res,
      403,
      'forbidden',
      `You are not a member of the workspace of ${org.name}. Ask an owner or maintainer for an invitation.`,
    );
    return undefined;
  }
  return role;
}

/** The documents a write request carries, or what is wrong with the body. */
function documentsOf(
  body: unknown,
  op: 'put' | 'post' | 'bulk',
  docId: string | undefined,
  query: string,
): CouchDoc[] | string {
  const isDoc = (d: unknown): d is CouchDoc => typeof d === 'object' && d !== null && !Array.isArray(d);
  if (op === 'bulk') {
    const docs = isDoc(body) ? body.docs : undefined;
    if (!Array.isArray(docs) || !docs.every(isDoc))
      return 'Send {"docs": [...]} with a JSON object per document.';
    return docs;
  }
  if (!isDoc(body)) return 'Send the document as a JSON object.';
  if (op === 'put') {
    if (body._id !== undefined && body._id !== docId)
      return `The document's _id (${String(body._id)}) is not the one in the path (${String(docId)}).`;
    const rev = new URLSearchParams(query).get('rev');
    return [{ ...body, _id: docId, ...(rev && body._rev === undefined ? { _rev: rev } : {}) }];
  }
  return [body];
}

async function checkDocuments(
  backend: CouchBackend,
  db: WorkspaceDb,
  user: string,
  role: Role,
  docs: CouchDoc[],
): Promise<{ id: string; reason: string }[]> {
  const refused: { id: string; reason: string }[] = [];
  const checked: CouchDoc[] = [];
  for (const doc of docs) {
    const id = typeof doc._id === 'string' ? doc._id : undefined;
    if (id?.startsWith('_local/')) continue;
    if (id !== undefined && id.startsWith('_')) {
      refused.push({ id, reason: 'Design and other special documents are written by administrators only.' });
      continue;
    }
    if (doc._id !== undefined && typeof doc._id !== 'string') {
      refused.push({ id: String(doc._id), reason: 'A document _id must be a string.' });
      continue;
    }
    checked.push(doc);
  }
  const ids = checked.flatMap((d) => (typeof d._id === 'string' ? [d._id] : []));
  const stored = await backend.getDocs(db.name, [...new Set(ids)]);

  const jobIds = new Set<string>();
  if (role === 'worker') {
    for (const doc of checked) {
      const before = typeof doc._id === 'string' ? stored.get(doc._id) : undefined;
      for (const job of jobIdsToCheck(db.collection, doc, before)) jobIds.add(job);
    }
  }
  const assignees = new Map<string, string | null>();
  if (jobIds.size > 0) {
    const jobs = await backend.getDocs(workspaceDbName(db.org, 'job'), [...jobIds]);
    for (const [id, job] of jobs) {
      if (job) assignees.set(id, typeof job.assignee === 'string' ? job.assignee : null);
    }
  }

  for (const doc of checked) {
    const before = typeof doc._id === 'string' ? stored.get(doc._id) : undefined;
    const reason = checkWrite({
      user,
      role,
      collection: db.collection,
      incoming: doc,
      stored: before,
      assignees,
    });
    if (reason) refused.push({ id: typeof doc._id === 'string' ? doc._id : '(new document)', reason });
  }
  return refused;
}
