/**
 * Pushes whose outcome this device never learnt. When the connection drops while `_bulk_docs`
 * is in flight, the server may have stored the documents without the answer coming back, so
 * RxDB still believes the server holds the older version. The next push then finds "someone
 * else's" version on the server that is in fact this device's own earlier write, and a merge
 * without that knowledge would log the device's two edits as a collision with itself.
 *
 * The ledger keeps a digest of every document (and, for frame documents, of every object) sent
 * in such an uncertain push, until a later push of the same document is confirmed. The conflict
 * handlers ask it whether the server's version is one this device sent (`OwnWrites`, see
 * src/lib/store/conflict.ts); if so, that version is the common base and nothing collided.
 * Digests are SHA-256 of a canonical JSON form, kept in localStorage so that they survive a
 * reload while offline.
 */
import type { OwnWrites } from '../store/conflict';

/** Keys that belong to the transport or to RxDB, not to the content that was sent. */
const TRANSPORT_KEYS = new Set(['_id', '_rev', '_meta', '_attachments', '_revisions', 'id']);
/** Upper bound on stored digests; the oldest documents are dropped first. */
const MAX_DIGESTS = 50_000;

interface DocEntry {
  /** Digests of the whole document as sent (newest last). */
  doc: string[];
  /** Frame documents: digests of each object as sent. */
  objects?: Record<string, string[]>;
}

/** JSON with object keys sorted, so that equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The content of a document state, without transport fields, as a comparable value. */
function content(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (!TRANSPORT_KEYS.has(key)) out[key] = value;
  out._deleted = doc._deleted === true;
  return out;
}

async function digest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(value));
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of hash.subarray(0, 16)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class SentLedger implements OwnWrites {
  private entries = new Map<string, DocEntry>();
  private count = 0;
  /** Records and confirmations apply in the order they happened; lookups wait for them. */
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly storageKey: string | null = null) {
    this.load();
  }

  /** Records the documents of a `_bulk_docs` body whose answer never came. */
  recordUncertain(body: unknown): Promise<void> {
    this.pending = this.pending.then(() => this.record(body)).catch(() => undefined);
    return this.pending;
  }

  /** Forgets documents the server confirmed in a later push: its version is now known. */
  confirm(ids: Iterable<string>): Promise<void> {
    const list = [...ids];
    this.pending = this.pending.then(() => this.forget(list));
    return this.pending;
  }

  private async record(body: unknown): Promise<void> {
    const docs = isRecord(body) && Array.isArray(body.docs) ? (body.docs as unknown[]) : [];
    for (const doc of docs) {
      if (!isRecord(doc) || typeof doc._id !== 'string') continue;
      const entry = this.entries.get(doc._id) ?? { doc: [] };
      const before = sizeOf(entry);
      // Re-inserted so that the map's order is least recently sent first (see trim).
      this.entries.delete(doc._id);
      this.entries.set(doc._id, entry);
      entry.doc = appendDigest(entry.doc, await digest(content(doc)));
      if (isRecord(doc.objects)) {
        entry.objects ??= {};
        for (const [id, object] of Object.entries(doc.objects))
          entry.objects[id] = appendDigest(entry.objects[id] ?? [], await digest(object));
      }
      this.count += sizeOf(entry) - before;
    }
    this.trim();
    this.save();
  }

  private forget(ids: readonly string[]): void {
    let changed = false;
    for (const id of ids) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      this.count -= sizeOf(entry);
      this.entries.delete(id);
      changed = true;
    }
    if (changed) this.save();
  }

  get size(): number {
    return this.entries.size;
  }

  async sentDoc(docId: string, state: object): Promise<boolean> {
    await this.pending;
    const entry = this.entries.get(docId);
    if (!entry) return false;
    return entry.doc.includes(await digest(content(state as Record<string, unknown>)));
  }

  async sentObject(docId: string, objectId: string, object: object): Promise<boolean> {
    await this.pending;
    const sent = this.entries.get(docId)?.objects?.[objectId];
    if (!sent) return false;
    return sent.includes(await digest(object));
  }

  private trim(): void {
    for (const [id, entry] of this.entries) {
      if (this.count <= MAX_DIGESTS) break;
      this.count -= sizeOf(entry);
      this.entries.delete(id);
    }
  }

  private load(): void {
    if (!this.storageKey || typeof localStorage === 'undefined') return;
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.storageKey) ?? '{}');
      if (!isRecord(parsed)) return;
      for (const [id, value] of Object.entries(parsed)) {
        if (!isRecord(value) || !Array.isArray(value.doc)) continue;
        const entry: DocEntry = { doc: value.doc.filter((d): d is string => typeof d === 'string') };
        if (isRecord(value.objects)) {
          entry.objects = {};
          for (const [objectId, list] of Object.entries(value.objects))
            if (Array.isArray(list))
              entry.objects[objectId] = list.filter((d): d is string => typeof d === 'string');
        }
        this.entries.set(id, entry);
        this.count += sizeOf(entry);
      }
    } catch {
      // An unreadable ledger only means that a past uncertain push may be reported as a collision.
    }
  }

  private save(): void {
    if (!this.storageKey || typeof localStorage === 'undefined') return;
    try {
      if (this.entries.size === 0) localStorage.removeItem(this.storageKey);
      else localStorage.setItem(this.storageKey, JSON.stringify(Object.fromEntries(this.entries)));
    } catch {
      // Storage full: the ledger still works for this session.
    }
  }
}

/** Keeps the last few digests: a document is rarely pushed uncertainly more than twice in a row. */
function appendDigest(list: string[], value: string): string[] {
  if (list.includes(value)) return list;
  return [...list, value].slice(-4);
}

function sizeOf(entry: DocEntry): number {
  let n = entry.doc.length;
  for (const list of Object.values(entry.objects ?? {})) n += list.length;
  return n;
}

const ledgers = new Map<string, SentLedger>();

/**
 * The ledger of a workspace on this device: one per page, so that a replication restarted
 * without a reload (sign-in again, reconnect) keeps it, and saved in localStorage where there
 * is one, so that a reload keeps it too.
 */
export function sentLedgerFor(workspaceId: string): SentLedger {
  let ledger = ledgers.get(workspaceId);
  if (!ledger) ledgers.set(workspaceId, (ledger = new SentLedger(`loupe.sync.uncertain.${workspaceId}`)));
  return ledger;
}
