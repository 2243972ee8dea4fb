import * as v from 'valibot';
import { isEmptyDiff, invertDiff, squashDiffs, type Diff, type IdRecord } from './diff';
import { newId, now } from './ids';
import type { Id, Timestamp } from './types';

export {
  applyDiff,
  diffRecords,
  emptyDiff,
  invertDiff,
  isEmptyDiff,
  squashDiffs,
  type Diff,
  type IdRecord,
  type RecordMap,
} from './diff';

/** CVAT keeps the last 128 actions (cvat-core `MAX_HISTORY_LENGTH`). */
export const DEFAULT_HISTORY_LIMIT = 128;

export interface HistoryEntry<R extends IdRecord> {
  id: Id;
  /** What the user did, e.g. "Draw rectangle"; shown as "Undo Draw rectangle". */
  label: string;
  diff: Diff<R>;
  timestamp: Timestamp;
}

/** The persisted form of a history. `redo` ends with the entry that redo applies next. */
export interface HistoryJSON<R extends IdRecord> {
  version: 1;
  limit: number;
  undo: HistoryEntry<R>[];
  redo: HistoryEntry<R>[];
}

export interface HistoryOptions {
  /** Most entries kept for undo; the oldest drop off first. */
  limit?: number;
}

export interface RecordOptions {
  /** Fold the change into the newest entry instead of adding one (e.g. typing in a field). */
  mergeWithLast?: boolean;
}

export function createEntry<R extends IdRecord>(label: string, diff: Diff<R>): HistoryEntry<R> {
  return { id: newId(), label, diff, timestamp: now() };
}

function mergeEntries<R extends IdRecord>(base: HistoryEntry<R>, next: HistoryEntry<R>): HistoryEntry<R> {
  return { ...base, diff: squashDiffs(base.diff, next.diff), timestamp: next.timestamp };
}

/**
 * Undo/redo stacks of serialisable diffs. The history never touches records itself: `undo`
 * and `redo` return the diff for the caller to apply to its store.
 */
export class History<R extends IdRecord> {
  readonly limit: number;
  private undoStack: HistoryEntry<R>[] = [];
  private redoStack: HistoryEntry<R>[] = [];
  private batch: { depth: number; label: string; entryId: Id | null } | null = null;

  constructor(options: HistoryOptions = {}) {
    const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
  }

  /**
   * Records a change and clears the redo stack. Empty diffs are ignored (returns false).
   * Inside a batch, changes fold into one entry carrying the batch label.
   */
  record(entry: HistoryEntry<R>, options: RecordOptions = {}): boolean {
    if (isEmptyDiff(entry.diff)) return false;
    this.redoStack = [];
    const top = this.undoStack.at(-1);
    const batch = this.batch;
    if (top && ((batch && batch.entryId === top.id) || (!batch && options.mergeWithLast))) {
      this.replaceTop(mergeEntries(top, entry));
      return true;
    }
    const added = batch ? { ...entry, label: batch.label } : { ...entry };
    this.undoStack.push(added);
    if (batch) batch.entryId = added.id;
    this.trim();
    return true;
  }

  /** Starts folding recorded changes into one entry. Batches nest; the outermost label wins. */
  beginBatch(label: string): void {
    if (this.batch) this.batch.depth += 1;
    else this.batch = { depth: 1, label, entryId: null };
  }

  endBatch(): void {
    if (!this.batch) return;
    this.batch.depth -= 1;
    if (this.batch.depth <= 0) this.batch = null;
  }

  get inBatch(): boolean {
    return this.batch !== null;
  }

  /** Folds the newest `count` entries into one, labelled `label` (default: the newest label). */
  squashLast(count: number, label?: string): void {
    if (count < 2 || this.undoStack.length < 2) return;
    const merged = this.undoStack.splice(-Math.min(count, this.undoStack.length));
    const first = merged[0];
    const last = merged.at(-1);
    if (!first || !last) return;
    let diff = first.diff;
    for (const entry of merged.slice(1)) diff = squashDiffs(diff, entry.diff);
    if (isEmptyDiff(diff)) return;
    this.undoStack.push({ id: first.id, label: label ?? last.label, diff, timestamp: last.timestamp });
  }

  canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** The entry `undo` would revert next. */
  peekUndo(): HistoryEntry<R> | undefined {
    return this.undoStack.at(-1);
  }

  /** The entry `redo` would apply next. */
  peekRedo(): HistoryEntry<R> | undefined {
    return this.redoStack.at(-1);
  }

  /** Moves the newest entry to the redo stack and returns the diff that reverts it. */
  undo(): Diff<R> | null {
    this.batch = null;
    const entry = this.undoStack.pop();
    if (!entry) return null;
    this.redoStack.push(entry);
    return invertDiff(entry.diff);
  }

  /** Moves the next redo entry back and returns its diff to re-apply. */
  redo(): Diff<R> | null {
    this.batch = null;
    const entry = this.redoStack.pop();
    if (!entry) return null;
    this.undoStack.push(entry);
    return entry.diff;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.batch = null;
  }

  /** Oldest first. */
  get undoEntries(): readonly HistoryEntry<R>[] {
    return this.undoStack;
  }

  /** `redo` applies the last one first. */
  get redoEntries(): readonly HistoryEntry<R>[] {
    return this.redoStack;
  }

  toJSON(): HistoryJSON<R> {
    return { version: 1, limit: this.limit, undo: [...this.undoStack], redo: [...this.redoStack] };
  }

  /** Restores a history saved by `toJSON`; throws with the path of the first bad field. */
  static fromJSON<R extends IdRecord>(json: unknown): History<R> {
    const result = v.safeParse(HistoryJSONSchema, json);
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue.path?.map((item) => String(item.key)).join('.') ?? '';
      throw new Error(`invalid saved history at ${path || '(root)'}: ${issue.message}`);
    }
    // Validated structurally; the original objects are kept so that records restore exactly.
    const saved = json as HistoryJSON<R>;
    const history = new History<R>({ limit: saved.limit });
    history.undoStack = [...saved.undo];
    history.redoStack = [...saved.redo];
    history.trim();
    return history;
  }

  private replaceTop(entry: HistoryEntry<R>): void {
    if (isEmptyDiff(entry.diff)) {
      this.undoStack.pop();
      if (this.batch) this.batch.entryId = null;
    } else {
      this.undoStack[this.undoStack.length - 1] = entry;
    }
  }

  private trim(): void {
    const excess = this.undoStack.length - this.limit;
    if (excess > 0) this.undoStack.splice(0, excess);
  }
}

const RecordSchema = v.looseObject({ id: v.string() });
const DiffSchema = v.object({
  added: v.record(v.string(), RecordSchema),
  updated: v.record(v.string(), v.tuple([RecordSchema, RecordSchema])),
  removed: v.record(v.string(), RecordSchema),
});
const EntrySchema = v.object({ id: v.string(), label: v.string(), diff: DiffSchema, timestamp: v.string() });
const HistoryJSONSchema = v.object({
  version: v.literal(1),
  limit: v.pipe(v.number(), v.integer(), v.minValue(1)),
  undo: v.array(EntrySchema),
  redo: v.array(EntrySchema),
});
