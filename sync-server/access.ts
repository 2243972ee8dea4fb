import { join } from 'node:path';
import * as v from 'valibot';
import { JsonFile } from './jsonfile';
import type { User } from './users';

/**
 * Server-side workspace memberships, in `<data>/loupe/members.json`. This is the record
 * the /db gate trusts; nothing a client writes into a database can change it.
 */
export const ROLES = ['owner', 'maintainer', 'supervisor', 'worker'] as const;
export type Role = (typeof ROLES)[number];

/** A workspace database: `ws_` and a lowercase id (a ULID, say). */
export const WORKSPACE_DB = /^ws_[a-z0-9][a-z0-9_-]{0,127}$/;

export function isWorkspaceDb(name: string): boolean {
  return WORKSPACE_DB.test(name);
}

const MembersFileSchema = v.object({
  version: v.literal(1),
  databases: v.record(v.string(), v.record(v.string(), v.picklist(ROLES))),
});
type MembersFile = v.InferOutput<typeof MembersFileSchema>;

export class AccessError extends Error {
  override name = 'AccessError';
}

export class Access {
  private readonly file: JsonFile<MembersFile>;

  constructor(dataDir: string) {
    this.file = new JsonFile(join(dataDir, 'loupe', 'members.json'), MembersFileSchema, () => ({
      version: 1,
      databases: {},
    }));
  }

  /** Adds a member, or changes the role of an existing one. */
  async addMember(db: string, username: string, role: Role): Promise<void> {
    if (!isWorkspaceDb(db))
      throw new AccessError(`"${db}" is not a workspace database name (ws_<lowercase id>).`);
    if (!ROLES.includes(role))
      throw new AccessError(`Unknown role "${role}"; use one of ${ROLES.join(', ')}.`);
    await this.file.update((data) => {
      const members = (data.databases[db] ??= {});
      members[username] = role;
    });
  }

  async removeMember(db: string, username: string): Promise<void> {
    await this.file.update((data) => {
      const members = data.databases[db];
      if (!members) return;
      delete members[username];
      if (Object.keys(members).length === 0) delete data.databases[db];
    });
  }

  /**
   * Makes `username` the owner of `db` if nobody holds it yet. Returns false when the name
   * is taken, so two users creating the same database at once cannot both own it.
   */
  async claim(db: string, username: string): Promise<boolean> {
    return this.file.update((data) => {
      if (Object.hasOwn(data.databases, db)) return false;
      data.databases[db] = { [username]: 'owner' };
      return true;
    });
  }

  /**
   * Forgets every membership of a database, so its name can be created again. Returns
   * what was removed, for restoreDatabase() if the deletion fails.
   */
  async removeDatabase(db: string): Promise<Record<string, Role>> {
    return this.file.update((data) => {
      const members = Object.hasOwn(data.databases, db) ? data.databases[db] : undefined;
      delete data.databases[db];
      return members ?? {};
    });
  }

  async restoreDatabase(db: string, members: Record<string, Role>): Promise<void> {
    if (Object.keys(members).length === 0) return;
    await this.file.update((data) => {
      data.databases[db] = { ...members, ...data.databases[db] };
    });
  }

  async roleOf(db: string, username: string): Promise<Role | undefined> {
    const { databases } = await this.file.read();
    const members = Object.hasOwn(databases, db) ? databases[db] : undefined;
    return members && Object.hasOwn(members, username) ? members[username] : undefined;
  }

  async members(db: string): Promise<{ username: string; role: Role }[]> {
    const { databases } = await this.file.read();
    const members = Object.hasOwn(databases, db) ? databases[db] : undefined;
    return Object.entries(members ?? {}).map(([username, role]) => ({ username, role }));
  }

  /** The databases a user belongs to, with their role in each. */
  async databasesOf(username: string): Promise<{ db: string; role: Role }[]> {
    const { databases } = await this.file.read();
    const result: { db: string; role: Role }[] = [];
    for (const [db, members] of Object.entries(databases)) {
      const role = Object.hasOwn(members, username) ? members[username] : undefined;
      if (role) result.push({ db, role });
    }
    return result.sort((a, b) => a.db.localeCompare(b.db));
  }
}

/** What a /db request needs, decided from the user, the method and the path alone. */
export type DbDecision =
  | { kind: 'allow' }
  | { kind: 'session' }
  | { kind: 'member'; db: string; need: readonly Role[] | 'any' }
  | { kind: 'create'; db: string }
  | { kind: 'delete'; db: string }
  | { kind: 'deny'; status: 400 | 403; reason: string };

// Database sub-resources that change more than documents; only owners and maintainers.
const MANAGEMENT = new Set(['_security', '_purge', '_compact', '_view_cleanup', '_design', '_revs_limit']);
const MANAGERS: readonly Role[] = ['owner', 'maintainer'];

/**
 * Classifies a request under /db. `path` is the raw path below the mount point, for
 * example `/ws_01j/_changes`. Membership itself is looked up by the caller.
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
  const [first = '', second] = segments;
  const read = method === 'GET' || method === 'HEAD';

  if (first === '') {
    return read || user.admin ? { kind: 'allow' } : adminOnly('/db/');
  }
  if (first === '_session') return { kind: 'session' };
  if (user.admin) {
    if (isWorkspaceDb(first) && segments.length === 1 && method === 'DELETE')
      return { kind: 'delete', db: first };
    return { kind: 'allow' };
  }
  if (first.startsWith('_')) return adminOnly(`/db/${first}`);
  if (!isWorkspaceDb(first)) {
    return {
      kind: 'deny',
      status: 403,
      reason: `Only workspace databases (ws_<lowercase id>) can be used; "${first}" is reserved for administrators.`,
    };
  }
  const isDbRoot = segments.length === 1 || (segments.length === 2 && second === '');
  if (isDbRoot && method === 'PUT') return { kind: 'create', db: first };
  if (isDbRoot && method === 'DELETE') return { kind: 'delete', db: first };
  if (!read && second !== undefined && MANAGEMENT.has(second))
    return { kind: 'member', db: first, need: MANAGERS };
  return { kind: 'member', db: first, need: 'any' };
}

function adminOnly(what: string): DbDecision {
  return { kind: 'deny', status: 403, reason: `${what} is only available to server administrators.` };
}
