/**
 * The contract every dataset format implements. A codec is a pure module: it reads a
 * `FileSource` (a zip's entries, a folder, or a single file) into a format-neutral `Dataset`,
 * and writes a `Dataset` into a `FileSink`. The same codecs run in the `io` worker, in the sync
 * server and in the CLI, so nothing here touches the DOM, IndexedDB or Node's `fs`.
 */
import type { Dimension, LabelSpec, ShapeType, Shape, Tag, Track } from '../core/types';

/** One frame (image, video frame or point cloud) of a dataset. */
export interface DatasetItem {
  /** Frame number within the dataset, 0-based and unique. Shapes, tags and tracks refer to it. */
  frame: number;
  /**
   * The media file's path relative to the image root, with extension and forward slashes
   * (`images/train/0001.jpg` becomes `0001.jpg` when the format puts images in a fixed folder).
   * Formats that only know a stem (`0001`) keep the stem; matching is done by `itemKey`.
   */
  name: string;
  /** Pixels; 0 when the format does not say (YOLO, ImageNet) and no image was available. */
  width: number;
  height: number;
  /** `''` when the format has no subsets; otherwise `train`, `val`, `test`, … */
  subset: string;
  /** Context (related) image paths, as CVAT stores them for 2D and 3D tasks. */
  related?: string[];
}

/**
 * A format-neutral dataset. Labels use Loupe's `LabelSpec`; attribute values refer to the
 * attribute ids of those labels. Shapes, tags and tracks carry fresh ids (`newId()`),
 * `author: ''` and `source: 'file'` unless the format stores a source.
 */
export interface Dataset {
  dimension: Dimension;
  labels: LabelSpec[];
  items: DatasetItem[];
  shapes: Shape[];
  tags: Tag[];
  /** Tracks keep keyframes; `job_id` is `''` in a dataset. */
  tracks: Track[];
  /** What the format records about its origin (task name, CVAT meta); exporters may use it. */
  meta: DatasetMeta;
}

export interface DatasetMeta {
  name?: string;
  /** Frames per second for video tasks. */
  fps?: number;
  /** Source video or archive name. */
  source?: string;
  /**
   * Video exports (CVAT for video) number frames `startFrame + frame * frameStep` in the source
   * video; importers keep both so that exporters write the same numbers back. Default 0 and 1.
   */
  startFrame?: number;
  frameStep?: number;
  /** Things an importer skipped without failing (an unlabeled shape, an empty mask). */
  warnings?: string[];
  [key: string]: unknown;
}

/** Read access to an archive, a folder or a single uploaded file. Paths use `/`, no leading `/`. */
export interface FileSource {
  /** Every file path, in a stable order. */
  paths(): readonly string[];
  has(path: string): boolean;
  read(path: string): Promise<Uint8Array>;
  /** UTF-8 text (a BOM is dropped). */
  text(path: string): Promise<string>;
}

/** Write access to the archive being built. Writes stream; call order is file order. */
export interface FileSink {
  write(path: string, data: Uint8Array | string): Promise<void>;
}

/** What the importer knows about the target (a task's frames), for formats without sizes. */
export interface ImportContext {
  /** The target's frames, when importing into an existing task or job. */
  frames?: readonly { name: string; width: number; height: number }[];
  /** Progress in [0, 1] and a message. */
  progress?: (fraction: number, message?: string) => void;
  /** Throws `DOMException('AbortError')` when cancelled; codecs call it between files. */
  signal?: AbortSignal;
  /** Told about things that are skipped without failing; they are also in `meta.warnings`. */
  warn?: (message: string) => void;
}

export interface ExportOptions {
  /** Include the media files in the archive ("save images" in CVAT). */
  saveImages: boolean;
  /** Media bytes of an item, when `saveImages` is set; `undefined` when unavailable. */
  media?: (item: DatasetItem) => Promise<Uint8Array | undefined>;
  progress?: (fraction: number, message?: string) => void;
  signal?: AbortSignal;
}

export type FormatShapeKind = ShapeType | 'tag' | 'track';

/** One registered format, as CVAT lists it: `COCO 1.0`, `YOLO 1.1`, `CVAT for video 1.1`. */
export interface FormatCodec {
  /** CVAT's display name without the version, e.g. `COCO`. */
  name: string;
  version: string;
  /** Stable identifier used by the CLI and the API: `coco`, `cvat-images`, `ultralytics-detection`. */
  id: string;
  dimension: Dimension;
  /** What the format can carry; the export dialog warns about what would be dropped. */
  kinds: readonly FormatShapeKind[];
  /** File extensions accepted on import, e.g. `['zip']` or `['zip', 'xml']`. */
  importExtensions: readonly string[];
  /** How likely `source` is in this format: 0 (no) to 1 (certain). Used by `loupe info`. */
  detect?(source: FileSource): Promise<number>;
  import?(source: FileSource, context: ImportContext): Promise<Dataset>;
  export?(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void>;
}

/**
 * A format error names where the problem is and what was expected, so that the UI and the CLI
 * can print `annotations.xml line 12: <box> attribute "xtl": expected a number, got "abc"`.
 */
export class FormatError extends Error {
  readonly file: string;
  readonly location?: string;
  readonly expected?: string;
  constructor(file: string, message: string, details: { location?: string; expected?: string } = {}) {
    const where = details.location ? `${file} ${details.location}` : file;
    const tail = details.expected ? ` (expected ${details.expected})` : '';
    super(`${where}: ${message}${tail}`);
    this.name = 'FormatError';
    this.file = file;
    this.location = details.location;
    this.expected = details.expected;
  }
}
