/** Dataset formats: the contract, the registry, the shared helpers and the core codecs. */
export * from './types';
export { CORE_CODECS, FORMATS, detectFormat, displayName, formatsFor, getFormat } from './registry';
export type { DetectedFormat, FormatQuery } from './registry';
export {
  LabelBook,
  checkAbort,
  emptyDataset,
  expandTracks,
  fileMeta,
  guessInputType,
  itemKey,
  stem,
  summarizeDataset,
  trackToShapes,
} from './common/dataset';
export type { AttributeInit, DatasetSummary } from './common/dataset';
export { MemorySink, MemorySource, singleFileSource } from './common/memory';
export { ZipSink, ZipSource, decodeText, encodeText, isZip, normalizePath } from './common/zip';
export type { ZipSinkOptions, ZipSourceOptions } from './common/zip';
export { XmlReader, XmlWriter, escapeXml, parseXml } from './common/xml';
export type { XmlElement } from './common/xml';
export { JsonFile, JsonReader, isRecord, show } from './common/json';
export { canonicalDataset } from './common/compare';
export type { CanonicalDataset, CanonicalOptions } from './common/compare';
export { mediaExtension, writeMedia } from './common/media';
export { COCO_CODEC, COCO_KEYPOINTS_CODEC } from './coco';
export { CVAT_IMAGES_CODEC, CVAT_VIDEO_CODEC } from './cvat';
export { DATUMARO_3D_CODEC, DATUMARO_CODEC } from './datumaro';
