import { SvelteSet } from 'svelte/reactivity';

/**
 * Bookmarked frames of a job, on this device (localStorage), to come back to a frame in one
 * step: a set the UI reads reactively.
 */
export class Bookmarks {
  readonly frames = new SvelteSet<number>();
  private readonly key: string;

  constructor(jobId: string) {
    this.key = `loupe.bookmarks.${jobId}`;
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) ?? '[]') as unknown;
      if (Array.isArray(saved)) for (const f of saved) if (Number.isInteger(f)) this.frames.add(f as number);
    } catch {
      // A damaged entry is dropped.
    }
  }

  get sorted(): number[] {
    return [...this.frames].sort((a, b) => a - b);
  }

  toggle(frame: number): void {
    if (this.frames.has(frame)) this.frames.delete(frame);
    else this.frames.add(frame);
    localStorage.setItem(this.key, JSON.stringify(this.sorted));
  }
}
