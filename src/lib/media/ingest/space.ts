import { estimateStorage } from '$lib/store';
import { formatBytes } from './archive/errors';

export class NotEnoughSpaceError extends Error {
  override readonly name = 'NotEnoughSpaceError';
  constructor(
    readonly needed: number,
    readonly free: number,
  ) {
    super(
      `This import needs about ${formatBytes(needed)} of browser storage, but only ${formatBytes(free)} is free for Loupe. ` +
        'Free disk space, or export finished tasks and delete them from Loupe, then try again. Allowing persistent storage also raises the limit.',
    );
  }
}

/** Refuses before writing anything when the browser says `bytes` won't fit (no-op where it can't tell). */
export async function checkSpaceFor(bytes: number): Promise<void> {
  const { usage, quota } = await estimateStorage();
  if (quota === 0) return;
  const free = Math.max(0, quota - usage);
  if (bytes > free) throw new NotEnoughSpaceError(bytes, free);
}
