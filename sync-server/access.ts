import type { User } from './users';

/**
 * Workspace database names and the first, path-only classification of a /db request. A
 * workspace (the workspace of one organization) is one database per RxDB collection,
 * because RxDB's CouchDB replication replicates one collection per endpoint:
 * `ws_<org id>__<collection>`.
 */
export const COLLECTIONS = ['project', 'task', 'job', 'media', 'frame', 'track', 'review'] as const;
export type Collection = (typeof COLLECTIONS)[number];

/** Collections whose documents are a job's annotations (what workers may write). */
export const ANNOTATION_COLLECTIONS: readonly Collection[] = ['frame', 'track', 'review'];

const WORKSPACE_DB = new RegExp(`^ws_([0-9a-z]{26})__(${COLLECTIONS.join('|')})$`);

export interface WorkspaceDb {
  name: string;
  org: string;
  collection: Collection;
}

export function parseWorkspaceDb(name: string): WorkspaceDb | undefined {
  const match = WORKSPACE_DB.exec(name);
  if (!match) return undefined;
  return { name, org: match[1] as string, collection: match[2] as Collection };
}

export function workspaceDbName(org: string, collection: Collection): string {
  return `ws_${org}__${collection}`;
}

export function workspaceDatabases(org: string): Record<Collection, string> {
  return Object.fromEntries(COLLECTIONS.map((c) => [c, workspaceDbName(org, c)])) as Record<
    Collection,
    string
  >;
}

/** How a /db request is to be checked, decided from the user, the method and the path alone. */
export type DbDecision =
  | { kind: 'allow' }
  | { kind: 'session' }
  /**
   * Any member may do it: reads, `_local` checkpoints, PUT of an existing database. For reads,
   * `docId` and `tail` are the path below the database (a document id, or an endpoint such as
   * `_changes`, and the segments after it); workers' reads are narrowed to their jobs.
   */
  | { kind: 'member'; db: WorkspaceDb; read?: { docId?: string; tail: string[] } }
  /** A document write, checked against the role rules with the body and the stored version. */
  | { kind: 'write'; db: WorkspaceDb; op: 'put' | 'delete' | 'post' | 'bulk'; docId?: string }
  | { kind: 'deny'; status: 400 | 403; reason: string };

// POSTs that only read.
const READ_POSTS = new Set([
  '_all_docs',
  '_bulk_get',
  '_revs_diff',
  '_missing_revs',
  '_changes',
  '_find',
  '_explain',
  '_ensure_full_commit',
]);

/**
 * Classifies a request under /db. `path` is the raw path below the mount point, for
 * example `/ws_01j…__frame/_changes`. Membership and role rules are applied by the gate.
 */
export function classifyDbRequest(user: User, method: string, path: string): DbDecision {
  const raw = path.replace(/^\//, '').split('/');
  let segments: string[];
  try {
    segments = raw.map((s) => decodeURIComponent(s));
  } catch {
    return { kind: 'deny', status: 400, reason: 'The request path is not valid URL encoding.' };
  }
  // Empty, "." and ".." segments could route differently here and upstream; refuse them.
  const bad = segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1));
  if (bad || segments.some((s) => s.includes('\0'))) {
    return { kind: 'deny', status: 400, reason: 'The request path has empty or relative segments.' };
  }
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const [first = ''] = segments;
  const read = method === 'GET' || method === 'HEAD';

  if (first === '') return read || user.admin ? { kind: 'allow' } : adminOnly('Writing to /db/');
  if (first === '_session') {
    if (read) return { kind: 'session' };
    return {
      kind: 'deny',
      status: 403,
      reason: 'CouchDB sessions are not used here; sign in with POST /api/auth/login and send the token.',
    };
  }
  if (user.admin) return { kind: 'allow' };
  if (first.startsWith('_')) return adminOnly(`/db/${first}`);
  const db = parseWorkspaceDb(first);
  if (!db) {
    return {
      kind: 'deny',
      status: 403,
      reason: `"${first}" is not a workspace database (ws_<workspace id>__<collection>); other databases are reserved for administrators.`,
    };
  }

  const rest = segments.slice(1);
  if (rest.length === 0) {
    if (read) return { kind: 'member', db, read: { tail: [] } };
    if (method === 'PUT') return { kind: 'member', db };
    if (method === 'POST') return { kind: 'write', db, op: 'post' };
    return adminOnly('Deleting a workspace database (delete the organization instead)');
  }

  // The document id: `_local/x` and `_design/x` take two segments (or one with an encoded slash).
  let docId = rest[0] as string;
  let tail = rest.slice(1);
  if ((docId === '_local' || docId === '_design') && tail.length > 0) {
    docId = `${docId}/${tail[0] as string}`;
    tail = tail.slice(1);
  }
  const isDesign = docId.startsWith('_design/') || docId === '_design';
  const isLocal = docId.startsWith('_local/');

  if (read) {
    // Views, shows, lists and rewrites run code from design documents; never for members.
    if (isDesign && tail.some((s) => s.startsWith('_'))) return adminOnly('Design document functions');
    if (docId === '_temp_view' || docId === '_view_cleanup') return adminOnly(docId);
    return { kind: 'member', db, read: { docId, tail } };
  }
  if (method === 'POST' && rest.length === 1) {
    if (READ_POSTS.has(docId)) return { kind: 'member', db, read: { docId, tail } };
    if (docId === '_bulk_docs') return { kind: 'write', db, op: 'bulk' };
    return adminOnly(`POST ${docId}`);
  }
  if ((method === 'PUT' || method === 'DELETE') && tail.length === 0) {
    if (isLocal) return { kind: 'member', db };
    if (isDesign) return adminOnly('Writing design documents');
    if (docId.startsWith('_')) return adminOnly(`${method} ${docId}`);
    return { kind: 'write', db, op: method === 'PUT' ? 'put' : 'delete', docId };
  }
  if ((method === 'PUT' || method === 'DELETE') && tail.length > 0) return adminOnly('Writing attachments');
  return adminOnly(`${method} on /db/${first}/${rest.join('/')}`);
}

function adminOnly(what: string): DbDecision {
  return { kind: 'deny', status: 403, reason: `${what} is only available to server administrators.` };
}
