/** Task and project backups in CVAT's layout: written from the store, restored into it. */
export { backupFileName, writeProjectBackup, writeTaskBackup, type BackupWriteOptions } from './write';
export { backupKind, restoreBackup, type RestoreOptions, type RestoreResult } from './restore';
export type { BackupProjectJson, BackupTaskJson } from './schema';
