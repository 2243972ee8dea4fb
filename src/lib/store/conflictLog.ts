/**
 * The conflict log of a workspace on this device: every true collision that replication
 * resolved by last writer, with the losing version kept so that nothing is silently lost.
 */
import type { RxConflictHandlerInput } from 'rxdb';
import { map, type Observable } from 'rxjs';
import { now } from '../core/ids';
import { collisionsOf } from './conflict';
import type { WorkspaceDatabase } from './database';
import type { ConflictLogDoc } from './documents';

export interface ConflictLogStore {
  /** Records the collisions of one resolved conflict; returns how many were logged. */
  recordResolved(collection: string, input: RxConflictHandlerInput<unknown>): Promise<number>;
  /** Entries newest first; dismissed ones only when asked for. */
  list(options?: { includeDismissed?: boolean }): Promise<ConflictLogDoc[]>;
  watch(): Observable<ConflictLogDoc[]>;
  dismiss(id: string): Promise<void>;
}

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
  };
}
