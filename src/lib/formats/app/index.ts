/** The bridge between the store and format-neutral datasets: export reads, transactional imports, backups. */
export {
  datasetFromJob,
  datasetFromProject,
  datasetFromTask,
  type DatasetReadOptions,
  type StoreDataset,
} from './dataset';
export {
  importDataset,
  ImportError,
  type ImportOptions,
  type ImportResult,
  type ImportTarget,
} from './apply';
export { ADD_LABEL, proposeLabelMapping, type LabelMapping } from './labels';
export {
  blobIngest,
  ImageLocator,
  mimeOf,
  type MediaFile,
  type MediaIngest,
  type StoredMedia,
} from './media';
