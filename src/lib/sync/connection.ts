/**
 * The sync connection of the workspace open in this page: replication of its documents,
 * the background upload of its media, and download on first view of media other devices
 * shared. Started when an organization workspace opens; follows sign-in and sign-out. The
 * personal workspace never gets one.
 */
import { setRemoteBlobSource, type Workspace } from '../store';
import { sha256Hex, type BlobHasher } from '../store/blobs';
import { localSource } from '../media/video/sources';
import { sha256InWorker } from '../workers/hash';
import {
  BlobUploadQueue,
  knownVideoHash,
  recordSharedVideo,
  SharedMediaIndex,
  sharedMediaSource,
  type UploadProgress,
} from './media';
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

/** Blobs up to this size are hashed at once on the main thread (images); larger ones in a worker. */
const HASH_AT_ONCE_BYTES = 16 * 1024 * 1024;

const verifyHash: BlobHasher = (blob, onProgress) =>
  blob.size <= HASH_AT_ONCE_BYTES ? sha256Hex(blob) : sha256InWorker(blob, onProgress);

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

  // Which keys are videos, and the SHA-256 each was shared under, from the media documents.
  const mediaIndex = new SharedMediaIndex(workspace.db.media);
  const remote = sharedMediaSource(mediaIndex, { workspaceId, token });
  setRemoteBlobSource(
    (key, onProgress) => (currentSession() ? remote(key, onProgress) : Promise.resolve(undefined)),
    { hash: verifyHash },
  );

  const startUploads = () => {
    const role = knownOrg(workspaceId)?.role;
    if (uploads || !role || !UPLOADERS.has(role)) return;
    const queue = new BlobUploadQueue({
      workspaceId,
      token,
      // Only what this device holds; getBlob would fetch the rest from the server.
      source: localSource,
      // A video another device already shared keeps its hash; otherwise hash it in a worker.
      hashVideo: async (key, blob, onProgress) =>
        (await mediaIndex.video(key))?.sha256 ?? sha256InWorker(blob, onProgress),
      videoShared: async (key, sha256) => {
        await recordSharedVideo(workspace.db.media, key, sha256);
      },
    });
    uploads = queue;
    unsubscribers.push(
      queue.subscribe((progress) => {
        uploadStatus = progress;
        emit();
      }),
    );
    type Meta = { blob: string; mime: string; related?: string[] };
    type Chunk = { frames?: readonly Meta[]; files?: Readonly<Record<string, string>> };
    // Images and context images are named by their SHA-256; a video by its content key, which
    // the queue maps to the SHA-256 of its bytes before uploading.
    const enqueueChunk = (doc: Chunk) => {
      const frames = doc.frames ?? [];
      const isVideo = (f: Meta) => f.mime.startsWith('video/');
      queue.enqueue(frames.flatMap((f) => [...(isVideo(f) ? [] : [f.blob]), ...(f.related ?? [])]));
      const videos = new Set(frames.filter(isVideo).map((f) => f.blob));
      queue.enqueueVideos(videos);
      // A chunk that lacks the mapping of a video already shared from here (written later, or
      // overwritten by an older copy) gets it again.
      for (const key of videos) {
        const sha = knownVideoHash(key);
        if (sha && !doc.files?.[key] && queue.isUploaded(key)) {
          void recordSharedVideo(workspace.db.media, key, sha).catch(() => undefined);
        }
      }
    };
    const sub = workspace.db.media.$.subscribe((event) => {
      const doc = event.documentData as Chunk | undefined;
      if (event.operation !== 'DELETE' && doc?.frames) enqueueChunk(doc);
    });
    unsubscribers.push(() => sub.unsubscribe());
    void workspace.db.media
      .find()
      .exec()
      .then((docs) => {
        for (const doc of docs) enqueueChunk({ frames: doc.frames, files: doc.files });
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
      mediaIndex.stop();
      await stop();
      if (active === connection) active = null;
    },
  };
  active = connection;
  for (const callback of waiting) callback(connection);
  waiting.clear();
  return connection;
}
