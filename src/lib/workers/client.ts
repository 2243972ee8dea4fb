import * as Comlink from 'comlink';

/**
 * A lazily started, reusable Comlink worker. The Worker is only constructed on the first
 * `get()`, and `terminate()` stops it; the next `get()` starts a fresh one.
 */
export interface LazyWorker<T> {
  get(): Comlink.Remote<T>;
  terminate(): void;
  readonly running: boolean;
}

export function lazyWorker<T>(create: () => Worker): LazyWorker<T> {
  let worker: Worker | null = null;
  let remote: Comlink.Remote<T> | null = null;
  return {
    get() {
      if (!remote) {
        worker = create();
        remote = Comlink.wrap<T>(worker);
      }
      return remote;
    },
    terminate() {
      if (remote) remote[Comlink.releaseProxy]();
      worker?.terminate();
      worker = null;
      remote = null;
    },
    get running() {
      return worker !== null;
    },
  };
}
