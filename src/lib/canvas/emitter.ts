export type Listener<T> = (payload: T) => void;

/** A minimal typed event emitter: `on` returns its own unsubscribe. */
export interface Emitter<Events> {
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void;
  emit<K extends keyof Events>(event: K, payload: Events[K]): void;
  clear(): void;
}

export function createEmitter<Events>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as Listener<never>);
      return () => {
        set.delete(listener as Listener<never>);
      };
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      // Copy so a listener may unsubscribe while being called.
      for (const listener of [...set]) (listener as Listener<typeof payload>)(payload);
    },
    clear() {
      listeners.clear();
    },
  };
}
