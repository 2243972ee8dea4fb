/**
 * The conflict log of a workspace on this device: every true collision that replication
 * resolved by last writer, with the losing version kept so that nothing is silently lost.
 */
import type { RxCollection, RxConflictHandlerInput } from 'rxdb';
import { map, type Observable } from 'rxjs';
import { now } from '../core/ids';
import { collisionsOf } from './conflict';
import { createAnnotationStore } from './annotations';
import type { WorkspaceDatabase } from './database';
import type { ConflictLogDoc } from './documents';
import type { FrameObject } from '../core/types';

export interface ConflictLogStore {
  /** Records the collisions of one resolved conflict; returns how many were logged. */
  recordResolved(collection: string, input: RxConflictHandlerInput<unknown>): Promise<number>;
  /** Entries newest first; dismissed ones only when asked for. */
  list(options?: { includeDismissed?: boolean }): Promise<ConflictLogDoc[]>;
  watch(): Observable<ConflictLogDoc[]>;
  dismiss(id: string): Promise<void>;
  /**
   * Puts the losing version back as a new edit (it then wins, and replicates as the latest),
   * and dismisses the entry. Throws a message when the entry can't be restored.
   */
  restore(id: string): Promise<void>;
}

/** Whether `restore` can put this entry's losing version back. */
export function canRestore(entry: Pick<ConflictLogDoc, 'doc_collection' | 'object_id' | 'fields'>): boolean {
  if (entry.doc_collection === 'frame') return entry.object_id !== '';
  // A removal against an edit of a whole document is not undone from the log.
  return !entry.fields.includes('(removed)') && entry.doc_collection in RESTORABLE;
}

const RESTORABLE = { project: true, task: true, job: true, track: true, review: true } as const;

export function createConflictLogStore(db: WorkspaceDatabase): ConflictLogStore {
  const collection = db.conflict;
  return {
    async recordResolved(name, input) {
      const state = input.newDocumentState as { id?: string };
      const docId = String(state.id ?? '');
      const collisions = await collisionsOf(name, input);
      if (collisions.length === 0) return 0;
      const stamp = now();
      // The id is derived from what collided, so resolving the same conflict twice logs it once.
      const docs: ConflictLogDoc[] = collisions.map((c) => ({
        id: `${name}|${docId}|${c.objectId ?? ''}|${c.loserDate}|${c.winnerDate}`,
        doc_collection: name,
        doc_id: docId,
        object_id: c.objectId ?? '',
        fields: c.fields,
        kept: JSON.stringify(c.winner),
        lost: JSON.stringify(c.loser),
        kept_date: c.winnerDate,
        lost_date: c.loserDate,
        lost_side: c.loserSide,
        dismissed: false,
        created_date: stamp,
        updated_date: stamp,
      }));
      await collection.bulkUpsert(docs);
      return docs.length;
    },
    async list(options = {}) {
      const docs = await collection.find({ sort: [{ created_date: 'desc' }] }).exec();
      return docs
        .map((d) => d.toJSON() as ConflictLogDoc)
        .filter((d) => options.includeDismissed || !d.dismissed);
    },
    watch() {
      return collection
        .find({ sort: [{ created_date: 'desc' }] })
        .$.pipe(map((docs) => docs.map((d) => d.toJSON() as ConflictLogDoc).filter((d) => !d.dismissed)));
    },
    async dismiss(id) {
      const doc = await collection.findOne(id).exec();
      await doc?.incrementalPatch({ dismissed: true, updated_date: now() });
    },
    async restore(id) {
      const entry = (await collection.findOne(id).exec())?.toJSON() as ConflictLogDoc | undefined;
      if (!entry) return;
      if (!canRestore(entry))
        throw new Error('This conflict can only be dismissed: restore the change by hand.');
      const lost = JSON.parse(entry.lost) as Record<string, unknown>;
      const stamp = now();
      if (entry.doc_collection === 'frame') {
        const jobId = entry.doc_id.slice(0, entry.doc_id.lastIndexOf(':'));
        const frameDoc = await db.frame.findOne(entry.doc_id).exec();
        const current = frameDoc?.toMutableJSON().objects[entry.object_id];
        const annotations = createAnnotationStore(db);
        if (typeof lost.removed === 'string') {
          // The losing side had removed the object: remove it again.
          if (current)
            await annotations.applyDiff(jobId, {
              added: {},
              updated: {},
              removed: { [current.id]: current },
            });
        } else {
          const restored = { ...lost, updated_date: stamp } as unknown as FrameObject;
          await annotations.applyDiff(
            jobId,
            current
              ? { added: {}, updated: { [restored.id]: [current, restored] }, removed: {} }
              : { added: { [restored.id]: restored }, updated: {}, removed: {} },
          );
        }
      } else {
        // One shape for every restorable collection: a document with an `updated_date`.
        const target = db.collections[
          entry.doc_collection as keyof typeof RESTORABLE
        ] as unknown as RxCollection<{
          updated_date: string;
        }>;
        const doc = await target.findOne(entry.doc_id).exec();
        if (!doc) throw new Error(`The ${entry.doc_collection} of this conflict no longer exists.`);
        const fields = Object.fromEntries(entry.fields.map((field) => [field, lost[field]]));
        await doc.incrementalModify((data) => ({ ...data, ...fields, updated_date: stamp }));
      }
      await this.dismiss(id);
    },
  };
}
