export { default as DatasetActions } from './DatasetActions.svelte';
export { default as ExportDialog } from './ExportDialog.svelte';
export { default as ImportDialog } from './ImportDialog.svelte';
export { default as BackupButton } from './BackupButton.svelte';
export { default as RestoreBackup } from './RestoreBackup.svelte';
