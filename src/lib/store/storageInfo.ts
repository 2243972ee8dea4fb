/** What the browser says about this origin's storage. */
export interface StorageEstimate {
  /** Bytes used by this origin; 0 where the browser can't tell. */
  usage: number;
  /** Bytes this origin may use; 0 where the browser can't tell. */
  quota: number;
  /** Whether the browser promised not to evict this origin's data under storage pressure. */
  persisted: boolean;
}

function storageManager(): StorageManager | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}

export async function estimateStorage(): Promise<StorageEstimate> {
  const storage = storageManager();
  if (!storage?.estimate) return { usage: 0, quota: 0, persisted: false };
  const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted?.() ?? false]);
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0, persisted };
}

/** Asks the browser to keep this origin's data under storage pressure; resolves to whether it agreed. */
export async function requestPersistence(): Promise<boolean> {
  const storage = storageManager();
  if (!storage?.persist) return false;
  return storage.persist();
}
