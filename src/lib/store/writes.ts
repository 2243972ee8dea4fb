/**
 * Bulk writes that fail loudly. RxDB reports per-document write errors in the result instead of
 * throwing; the repository wants all-or-error, and quota failures as `StorageFullError`.
 */
import type { RxCollection, RxStorageWriteError } from 'rxdb';
import { guardQuota } from './errors';

export class WriteError extends Error {
  override readonly name = 'WriteError';
  constructor(
    readonly collection: string,
    readonly errors: RxStorageWriteError<unknown>[],
  ) {
    const first = errors[0];
    super(
      `Could not write ${errors.length} ${collection} document(s)` +
        (first ? `; first: ${first.documentId} (status ${first.status})` : ''),
    );
  }
}

function check<T>(collection: RxCollection<T>, errors: RxStorageWriteError<T>[]): void {
  if (errors.length > 0) throw new WriteError(collection.name, errors as RxStorageWriteError<unknown>[]);
}

export async function insertAll<T>(collection: RxCollection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  const result = await guardQuota(() => collection.bulkInsert(docs));
  check(collection, result.error);
}

export async function upsertAll<T>(collection: RxCollection<T>, docs: T[]): Promise<void> {
  if (docs.length === 0) return;
  const result = await guardQuota(() => collection.bulkUpsert(docs));
  check(collection, result.error);
}

export async function removeAll<T>(collection: RxCollection<T>, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const result = await guardQuota(() => collection.bulkRemove(ids));
  check(collection, result.error);
}
