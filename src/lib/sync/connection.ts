/**
 * The sync connection of the workspace open in this page: replication of its documents,
 * the background upload of its media, and download on first view of media other devices
 * shared. Started when an organization workspace opens; follows sign-in and sign-out. The
 * personal workspace never gets one.
 */
import { blobDatabase, setRemoteBlobSource, type Workspace } from '../store';
import { downloadBlob, BlobUploadQueue, type UploadProgress } from './media';
import { knownOrg, onOrgsChange } from './orgs';
import { startWorkspaceSync, type WorkspaceSync } from './replication';
import { currentSession, onSessionChange } from './session';
import type { SyncStatus } from './status';

export interface ConnectionStatus {
  workspaceId: string;
  /** null while signed out: the workspace works locally and waits. */
  sync: SyncStatus | null;
  uploads: UploadProgress | null;
  signedIn: boolean;
}

type Listener = (status: ConnectionStatus) => void;

const UPLOADERS = new Set(['owner', 'maintainer']);

export interface Connection {
  status(): ConnectionStatus;
  subscribe(listener: Listener): () => void;
  /** Waits for replication to catch up (tests and benchmarks). */
  awaitInSync(): Promise<void>;
  close(): Promise<void>;
}

let active: Connection | null = null;
const waiting = new Set<(connection: Connection) => void>();

/** The connection of the open workspace, once there is one. */
export function activeConnection(): Connection | null {
  return active;
}

/** Calls back with the connection as soon as an organization workspace is connected. */
export function whenConnected(callback: (connection: Connection) => void): () => void {
  if (active) {
    callback(active);
    return () => undefined;
  }
  waiting.add(callback);
  return () => waiting.delete(callback);
}

export function connectWorkspace(workspace: Workspace): Connection {
  const workspaceId = workspace.id;
  const token = () => currentSession()?.token ?? null;
  const listeners = new Set<Listener>();
  let sync: WorkspaceSync | null = null;
  let uploads: BlobUploadQueue | null = null;
  let syncStatus: SyncStatus | null = null;
  let uploadStatus: UploadProgress | null = null;
  const unsubscribers: (() => void)[] = [];

  const status = (): ConnectionStatus => ({
    workspaceId,
    sync: syncStatus,
    uploads: uploadStatus,
    signedIn: currentSession() !== null,
  });
  const emit = () => {
    const s = status();
    for (const listener of listeners) listener(s);
  };

  setRemoteBlobSource((sha256) =>
    currentSession() ? downloadBlob({ workspaceId, token }, sha256) : Promise.resolve(undefined),
  );

  const startUploads = () => {
    const role = knownOrg(workspaceId)?.role;
    if (uploads || !role || !UPLOADERS.has(role)) return;
    const queue = new BlobUploadQueue({
      workspaceId,
      token,
      // Only what this device holds; getBlob would fetch the rest from the server.
      source: async (sha) => (await blobDatabase().blobs.get(sha))?.data,
    });
    uploads = queue;
    unsubscribers.push(
      queue.subscribe((progress) => {
        uploadStatus = progress;
        emit();
      }),
    );
    type Meta = { blob: string; mime: string; related?: string[] };
    // A video is keyed by a digest of its sample table, not of its bytes, so the server's hash
    // check cannot take it: videos are not shared yet, only images and context images.
    const enqueueChunk = (frames: readonly Meta[]) =>
      queue.enqueue(
        frames.flatMap((f) => [...(f.mime.startsWith('video/') ? [] : [f.blob]), ...(f.related ?? [])]),
      );
    const sub = workspace.db.media.$.subscribe((event) => {
      const doc = event.documentData as { frames?: Meta[] } | undefined;
      if (event.operation !== 'DELETE' && doc?.frames) enqueueChunk(doc.frames);
    });
    unsubscribers.push(() => sub.unsubscribe());
    void workspace.db.media
      .find()
      .exec()
      .then((docs) => {
        for (const doc of docs) enqueueChunk(doc.frames);
      });
  };

  const start = () => {
    if (sync || !currentSession()) return;
    const org = knownOrg(workspaceId);
    sync = startWorkspaceSync(workspace.db, {
      workspaceId,
      token,
      ...(org ? { databases: org.databases } : {}),
    });
    unsubscribers.push(
      sync.subscribe((s) => {
        syncStatus = s;
        emit();
      }),
    );
    startUploads();
  };

  const stop = async () => {
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
    uploads?.stop();
    uploads = null;
    uploadStatus = null;
    const running = sync;
    sync = null;
    syncStatus = null;
    await running?.stop();
  };

  const offSession = onSessionChange((session) => {
    if (!session) {
      void stop().then(emit);
    } else if (sync) {
      // A new token (signed in again, password changed): pick up where replication paused.
      sync.reconnect();
    } else {
      start();
      emit();
    }
  });

  // The role may be learnt after the start (the organization list is refreshed at sign-in).
  const offOrgs = onOrgsChange(() => {
    if (sync) startUploads();
  });

  start();

  const connection: Connection = {
    status,
    subscribe(listener) {
      listeners.add(listener);
      listener(status());
      return () => listeners.delete(listener);
    },
    async awaitInSync() {
      await sync?.awaitInSync();
    },
    async close() {
      offSession();
      offOrgs();
      setRemoteBlobSource(null);
      await stop();
      if (active === connection) active = null;
    },
  };
  active = connection;
  for (const callback of waiting) callback(connection);
  waiting.clear();
  return connection;
}
