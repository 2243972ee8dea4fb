/** Errors the store raises to the rest of the app. */

export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  constructor(options?: { cause?: unknown }) {
    super(
      'The browser has no storage space left for Loupe, so the last change was not saved. ' +
        'Free disk space on this device, or export finished tasks and delete them from Loupe, ' +
        'then try again. Allowing persistent storage in the browser also raises the limit.',
      options,
    );
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(kind: string, id: string) {
    super(`${kind} ${id} does not exist in this workspace.`);
  }
}

/** Quota errors arrive wrapped differently by IndexedDB, Dexie and RxDB; look through them. */
export function isQuotaExceeded(error: unknown, depth = 0): boolean {
  if (depth > 6 || typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    inner?: unknown;
    cause?: unknown;
    parameters?: unknown;
  };
  if (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22)
    return true;
  const parameters = e.parameters as { error?: unknown; errors?: unknown } | undefined;
  const nested: unknown[] = [e.inner, e.cause, parameters?.error];
  if (Array.isArray(parameters?.errors)) nested.push(...(parameters.errors as unknown[]));
  return nested.some((inner) => isQuotaExceeded(inner, depth + 1));
}

/** Runs a write and turns a quota failure into a `StorageFullError`. */
export async function guardQuota<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isQuotaExceeded(error)) throw new StorageFullError({ cause: error });
    throw error;
  }
}
