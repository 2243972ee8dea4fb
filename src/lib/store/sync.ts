/** What replication (src/lib/sync) needs from the store: the database, its collections and the conflict log. */
export { REPLICATED_COLLECTIONS, type ReplicatedCollection, type WorkspaceDatabase } from './database';
export { canRestore, createConflictLogStore, type ConflictLogStore } from './conflictLog';
export { collisionsOf, setOwnWrites, type Collision, type OwnWrites } from './conflict';
export type { ConflictLogDoc } from './documents';
