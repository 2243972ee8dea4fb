/**
 * Live replication of an organization workspace with the sync server: one RxDB CouchDB
 * replication per collection, against `/db/ws_<workspace>__<collection>/` (sync-server/API.md).
 *
 * - Only the leader tab replicates (RxDB leader election); every tab sees the same status, sent
 *   over a BroadcastChannel (see status.ts).
 * - Failures retry with exponential backoff (1 s doubling to 30 s, with jitter), and at once
 *   when the device comes back online.
 * - A revoked or expired token pauses replication with a message; local edits stay and are
 *   pushed after the next sign-in (`reconnect()`).
 * - Every true collision the conflict handlers resolve is written to the conflict log.
 */
import { addRxPlugin, type RxCollection } from 'rxdb';
import { RxDBLeaderElectionPlugin } from 'rxdb/plugins/leader-election';
import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import {
  createConflictLogStore,
  REPLICATED_COLLECTIONS,
  setOwnWrites,
  type WorkspaceDatabase,
} from '../store/sync';
import type { Collection } from './api';
import { sentLedgerFor } from './sentLedger';
import { SyncStatusTracker, type SyncStatus } from './status';
import { createTransport, type Outcome, type Transport } from './transport';

addRxPlugin(RxDBLeaderElectionPlugin);

export interface WorkspaceSyncOptions {
  workspaceId: string;
  /** The server's origin; the app's own origin by default. */
  serverUrl?: string;
  /** Database per collection, as `OrgSummary.databases`; `ws_<id>__<collection>` by default. */
  databases?: Partial<Record<Collection, string>>;
  token: () => string | null;
  /** Collections that hold a long-poll open; the others poll. Default: frame, track. */
  longpoll?: readonly Collection[];
  /** Interval of the polled collections. Default 2 s. */
  pollIntervalMs?: number;
  /** Documents per pull and push request. Default 500. */
  batchSize?: number;
  fetch?: typeof fetch;
  /** Wait for tab leadership before replicating (browsers). Default: when multi-instance. */
  waitForLeadership?: boolean;
}

export interface WorkspaceSync {
  readonly workspaceId: string;
  status(): SyncStatus;
  subscribe(listener: (status: SyncStatus) => void): () => void;
  /** Resumes after a new sign-in or a reconnection, and re-checks the server at once. */
  reconnect(): void;
  /** Resolves when every local change is on the server and the last pull has run. */
  awaitInSync(): Promise<void>;
  stop(): Promise<void>;
}

const MIN_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

export function workspaceDatabaseUrl(serverUrl: string, workspaceId: string, collection: Collection): string {
  return `${serverUrl.replace(/\/$/, '')}/db/ws_${workspaceId.toLowerCase()}__${collection}/`;
}

export function startWorkspaceSync(db: WorkspaceDatabase, options: WorkspaceSyncOptions): WorkspaceSync {
  const serverUrl = options.serverUrl ?? globalThis.location?.origin ?? '';
  const hot = new Set<Collection>(options.longpoll ?? ['frame', 'track']);
  const batchSize = options.batchSize ?? 500;
  const tracker = new SyncStatusTracker(options.workspaceId);
  const conflictLog = createConflictLogStore(db);
  // Pushes cut off in flight, so that this device's own stored writes are not taken for collisions.
  const ledger = sentLedgerFor(options.workspaceId);
  setOwnWrites(ledger);
  const transports: Transport[] = [];
  const states: RxCouchDBReplicationState<unknown>[] = [];
  const cleanups: (() => void)[] = [];
  let retryMs = MIN_RETRY_MS;
  let authFailed = false;

  const setRetry = (ms: number) => {
    retryMs = ms;
    for (const state of states) state.retryTime = ms;
  };

  const report = (outcome: Outcome) => {
    switch (outcome.kind) {
      case 'ok':
        tracker.reachable(outcome.push);
        if (retryMs !== MIN_RETRY_MS) setRetry(MIN_RETRY_MS);
        return;
      case 'network':
        tracker.unreachable();
        backoff();
        return;
      case 'auth':
        if (!authFailed) {
          authFailed = true;
          tracker.authFailed(outcome.reason);
          // Stop asking with a token the server refuses; local work stays and waits.
          for (const state of states) void state.pause();
          for (const transport of transports) {
            transport.hold();
            transport.abortLive();
          }
        }
        return;
      case 'refused':
        tracker.refused(outcome.reason, outcome.push);
        backoff();
        return;
    }
  };

  // Seven replications fail together: the delay doubles at most once per delay period.
  let lastBackoff = 0;
  const backoff = () => {
    const now = Date.now();
    if (now - lastBackoff < retryMs) return;
    lastBackoff = now;
    const next = Math.min(MAX_RETRY_MS, retryMs * 2);
    setRetry(Math.round(next * (0.8 + Math.random() * 0.4)));
  };

  const waitForLeadership = options.waitForLeadership ?? db.multiInstance;

  for (const name of REPLICATED_COLLECTIONS) {
    const collection = db.collections[name] as unknown as RxCollection<unknown>;
    const transport = createTransport({
      token: options.token,
      longpoll: hot.has(name),
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      report,
      onUncertainPush: (body) => ledger.recordUncertain(body),
      onConfirmedPush: (ids) => ledger.confirm(ids),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    transports.push(transport);
    const url =
      options.databases?.[name] !== undefined
        ? `${serverUrl.replace(/\/$/, '')}/db/${options.databases[name]}/`
        : workspaceDatabaseUrl(serverUrl, options.workspaceId, name);
    const state = replicateCouchDB<unknown>({
      replicationIdentifier: `loupe-sync-${options.workspaceId}-${name}`,
      collection,
      url,
      live: true,
      fetch: transport.fetch,
      retryTime: MIN_RETRY_MS,
      waitForLeadership,
      pull: { batchSize, heartbeat: 20_000 },
      push: { batchSize },
    });
    states.push(state);
    tracker.track(name, collection, state);
    const sub = state.conflict$.subscribe(({ input }) => {
      conflictLog
        .recordResolved(name, input)
        .catch((error: unknown) => console.error('conflict log:', error));
    });
    cleanups.push(() => sub.unsubscribe());
  }

  if (waitForLeadership) {
    void db.waitForLeadership().then(() => tracker.becameLeader());
  } else {
    tracker.becameLeader();
  }

  const reconnect = () => {
    authFailed = false;
    tracker.resumed();
    setRetry(MIN_RETRY_MS);
    for (const transport of transports) {
      transport.release();
      transport.abortLive();
    }
    for (const state of states) {
      if (state.isPaused()) void state.start();
      state.reSync();
    }
  };

  if (typeof window !== 'undefined') {
    const online = () => reconnect();
    const offline = () => {
      tracker.unreachable();
      for (const transport of transports) transport.abortLive();
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    cleanups.push(() => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    });
    if (!navigator.onLine) tracker.unreachable();
  }

  return {
    workspaceId: options.workspaceId,
    status: () => tracker.status(),
    subscribe: (listener) => tracker.subscribe(listener),
    reconnect,
    async awaitInSync() {
      await Promise.all(states.map((state) => state.awaitInSync()));
    },
    async stop() {
      for (const cleanup of cleanups) cleanup();
      setOwnWrites(null);
      for (const transport of transports) {
        transport.release();
        transport.abortLive();
      }
      await Promise.all(states.map((state) => state.cancel()));
      tracker.close();
    },
  };
}
