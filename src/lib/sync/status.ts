/**
 * The replication status of a workspace as the UI shows it: online, offline, syncing with N
 * pending changes, or an error with a sentence for a person.
 *
 * Pending changes are the local writes not yet acknowledged by the server, tracked per
 * document and kept in localStorage so that a reload while offline still shows them. The
 * leader tab (the one that replicates) publishes its status over a BroadcastChannel; other tabs
 * show what it sends.
 */
import type { RxCollection } from 'rxdb';
import type { RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';

export type SyncState = 'online' | 'offline' | 'syncing' | 'error' | 'waiting';

export interface SyncStatus {
  workspaceId: string;
  state: SyncState;
  /** Local changes not yet on the server. */
  pending: number;
  /** Why replication stopped or is refused; null when it is fine. */
  message: string | null;
  /** The session's token was refused: sign in again. */
  authError: boolean;
  /** ISO time of the last answer from the server. */
  lastContact: string | null;
  /** This tab replicates (other tabs show the leader's status). */
  leader: boolean;
}

type Listener = (status: SyncStatus) => void;

const DOWNSTREAM = 'replication-downstream-';

export class SyncStatusTracker {
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<string, string>();
  /** Entries restored from a previous page; dropped once the first sync ran. */
  private readonly restored = new Set<string>();
  private readonly active = new Map<string, boolean>();
  /** When each pending entry was marked (this page's clock), and when each replication cycle began. */
  private readonly markedAt = new Map<string, number>();
  private readonly cycleStart = new Map<string, { at: number; failures: number }>();
  /** Counts failed requests, so a cycle that hit one does not settle anything. */
  private failures = 0;
  /** Collections whose first pull and push have not finished: not in sync yet. */
  private readonly initial = new Set<string>();
  private readonly subscriptions: { unsubscribe(): void }[] = [];
  private readonly channel: BroadcastChannel | null;
  private leader = false;
  private unreachableNow = false;
  private authMessage: string | null = null;
  private refusedMessage: string | null = null;
  /** A read the server refused (no longer a member, say): shown even with nothing pending. */
  private readRefused: string | null = null;
  private lastContact: string | null = null;
  private remote: SyncStatus | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly workspaceId: string) {
    this.channel =
      typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`loupe-sync-${workspaceId}`);
    if (this.channel) {
      this.channel.onmessage = (event: MessageEvent<{ type: string; status?: SyncStatus }>) => {
        if (event.data.type === 'status' && !this.leader && event.data.status) {
          // The leader's view, marked as seen from a tab that does not replicate itself.
          this.remote = { ...event.data.status, leader: false };
          this.emit();
        } else if (event.data.type === 'hello' && this.leader) {
          this.publish();
        }
      };
      this.channel.postMessage({ type: 'hello' });
    }
    for (const [key, date] of loadPending(workspaceId)) {
      this.pending.set(key, date);
      this.markedAt.set(key, 0);
      this.restored.add(key);
    }
  }

  /** Follows one collection's local writes and its replication. */
  track(name: string, collection: RxCollection<unknown>, state: RxCouchDBReplicationState<unknown>): void {
    this.subscriptions.push(
      collection.eventBulks$.subscribe((bulk) => {
        if (bulk.context.startsWith(DOWNSTREAM)) return;
        for (const event of bulk.events) {
          const data = event.documentData as { updated_date?: string } | undefined;
          this.pending.set(`${name}:${event.documentId}`, data?.updated_date ?? '');
          this.markedAt.set(`${name}:${event.documentId}`, Date.now());
          this.restored.delete(`${name}:${event.documentId}`);
        }
        this.changed();
      }),
      state.sent$.subscribe((doc) => {
        const sent = doc as { id?: string; updated_date?: string };
        const key = `${name}:${String(sent.id)}`;
        const date = this.pending.get(key);
        if (date !== undefined && (sent.updated_date ?? '') >= date) this.pending.delete(key);
        this.restored.delete(key);
        this.changed();
      }),
      state.active$.subscribe((active) => {
        this.active.set(name, active);
        if (active) {
          this.cycleStart.set(name, { at: Date.now(), failures: this.failures });
        } else {
          this.settle(name);
        }
        this.emit();
      }),
    );
    this.initial.add(name);
    void state.awaitInitialReplication().then(
      () => {
        this.initial.delete(name);
        // Whatever an earlier page left pending has been pushed by now.
        for (const key of [...this.restored]) {
          if (key.startsWith(`${name}:`)) {
            this.pending.delete(key);
            this.restored.delete(key);
          }
        }
        this.changed();
      },
      () => undefined,
    );
  }

  /**
   * A replication that went idle without a failure has pushed every write made before its
   * cycle began. Writes RxDB did not need to send (equal to the server's copy) never show on
   * `sent$`; this is what takes them off the pending list.
   */
  private settle(name: string): void {
    const cycle = this.cycleStart.get(name);
    if (!cycle || !this.leader || cycle.failures !== this.failures || this.authMessage) return;
    const prefix = `${name}:`;
    for (const [key, markedAt] of this.markedAt) {
      if (key.startsWith(prefix) && markedAt <= cycle.at) {
        this.pending.delete(key);
        this.markedAt.delete(key);
        this.restored.delete(key);
      }
    }
    this.changed();
  }

  becameLeader(): void {
    this.leader = true;
    this.remote = null;
    this.emit();
  }

  reachable(pushed: boolean): void {
    const wasDown = this.unreachableNow;
    this.unreachableNow = false;
    const hadRefusal = this.readRefused !== null;
    if (pushed) this.refusedMessage = null;
    else this.readRefused = null;
    this.lastContact = new Date().toISOString();
    if (wasDown || pushed || hadRefusal) this.emit();
  }

  unreachable(): void {
    this.failures += 1;
    if (this.unreachableNow) return;
    this.unreachableNow = true;
    this.emit();
  }

  authFailed(reason: string): void {
    this.failures += 1;
    this.authMessage = `The server no longer accepts this sign-in (${reason.replace(/\.$/, '')}). Sign in again: your changes are kept on this device and sync afterwards.`;
    this.emit();
  }

  refused(reason: string, push: boolean): void {
    this.failures += 1;
    if (push) this.refusedMessage = `The server refused some changes: ${reason} They stay on this device.`;
    else this.readRefused = `The server refused to sync this workspace: ${reason}`;
    this.emit();
  }

  resumed(): void {
    this.authMessage = null;
    this.refusedMessage = null;
    this.readRefused = null;
    this.emit();
  }

  status(): SyncStatus {
    if (!this.leader && this.remote) return this.remote;
    const pending = this.pending.size;
    const base = {
      workspaceId: this.workspaceId,
      pending,
      authError: this.authMessage !== null,
      lastContact: this.lastContact,
      leader: this.leader,
    };
    const offline = this.unreachableNow || (typeof navigator !== 'undefined' && navigator.onLine === false);
    if (!this.leader) return { ...base, state: 'waiting', message: 'Another tab is syncing this workspace.' };
    if (this.authMessage) return { ...base, state: 'error', message: this.authMessage };
    if (offline) return { ...base, state: 'offline', message: null };
    if (this.readRefused) return { ...base, state: 'error', message: this.readRefused };
    if (this.refusedMessage && pending > 0) return { ...base, state: 'error', message: this.refusedMessage };
    const busy = this.initial.size > 0 || [...this.active.values()].some(Boolean);
    return { ...base, state: busy || pending > 0 ? 'syncing' : 'online', message: null };
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    listener(this.status());
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.channel?.close();
    this.flushPending();
    this.listeners.clear();
  }

  private changed(): void {
    this.emit();
    if (this.saveTimer === null) {
      this.saveTimer = setTimeout(() => this.flushPending(), 300);
    }
  }

  private flushPending(): void {
    if (this.saveTimer !== null) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    savePending(this.workspaceId, this.pending);
  }

  private emit(): void {
    if (this.closed) return;
    const status = this.status();
    for (const listener of this.listeners) listener(status);
    if (this.leader) this.publish(status);
  }

  private publish(status = this.status()): void {
    this.channel?.postMessage({ type: 'status', status });
  }
}

function pendingKey(workspaceId: string): string {
  return `loupe.sync.pending.${workspaceId}`;
}

function loadPending(workspaceId: string): [string, string][] {
  if (typeof localStorage === 'undefined') return [];
  try {
    const raw = localStorage.getItem(pendingKey(workspaceId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed)
      ? parsed.filter((e): e is [string, string] => Array.isArray(e) && typeof e[0] === 'string')
      : [];
  } catch {
    return [];
  }
}

function savePending(workspaceId: string, pending: Map<string, string>): void {
  if (typeof localStorage === 'undefined') return;
  if (pending.size === 0) localStorage.removeItem(pendingKey(workspaceId));
  else localStorage.setItem(pendingKey(workspaceId), JSON.stringify([...pending]));
}
