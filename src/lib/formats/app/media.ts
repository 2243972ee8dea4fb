/**
 * Media of an imported archive: finding each item's image among the archive's files, and storing
 * images as blobs. The browser stores through the `io` worker (which decodes, reads the upright
 * size and makes a thumbnail); Node and tests use `blobIngest`, which trusts the sizes it is given
 * or reads them from the file header.
 */
import type { BlobDatabase } from '../../store/blobs';
import { deleteBlob, putBlobsWithThumbnails, sha256Hex } from '../../store/blobs';
import { imageSize } from '../shared-more/imageSize';
import type { DatasetItem, FileSource } from '../types';

export interface MediaFile {
  name: string;
  bytes: Uint8Array;
  mime: string;
  /** Size the dataset states; 0 when unknown. */
  width: number;
  height: number;
}

export interface StoredMedia {
  sha256: string;
  width: number;
  height: number;
  mime: string;
  /** False when the same bytes were stored already (they must not be removed on rollback). */
  created: boolean;
}

export interface MediaIngest {
  /** Stores a batch of files; throws when one cannot be stored (naming it). */
  store(files: readonly MediaFile[]): Promise<StoredMedia[]>;
  /** Removes blobs that an import created, when the import is rolled back. */
  remove(sha256s: readonly string[]): Promise<void>;
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  gif: 'image/gif',
  webp: 'image/webp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  avif: 'image/avif',
  pcd: 'application/octet-stream',
  bin: 'application/octet-stream',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mkv: 'video/x-matroska',
  avi: 'video/x-msvideo',
};

export const IMAGE_EXTENSION = /\.(jpe?g|jpe|png|bmp|gif|webp|tiff?|avif)$/i;

export function mimeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return MIME[ext] ?? 'application/octet-stream';
}

const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const withoutExt = (path: string) => {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
};

/**
 * Finds item images among the files of an archive: by the item's path (anywhere in the archive,
 * as a suffix), then by its path without extension (formats that only know stems). Only image
 * files count; an ambiguous match (two files fit equally) is left unresolved.
 */
export class ImageLocator {
  private readonly bySuffix = new Map<string, string | null>();
  private readonly byStem = new Map<string, string | null>();

  constructor(source: FileSource) {
    for (const path of source.paths()) {
      if (!IMAGE_EXTENSION.test(path)) continue;
      const parts = path.split('/');
      for (let i = 0; i < parts.length; i++) {
        const suffix = parts.slice(i).join('/');
        this.add(this.bySuffix, suffix, path);
        this.add(this.byStem, withoutExt(suffix), path);
      }
    }
  }

  private add(map: Map<string, string | null>, key: string, path: string): void {
    const existing = map.get(key);
    if (existing === undefined) map.set(key, path);
    else if (existing !== null && existing !== path) {
      // Prefer the file under an `images` folder (CVAT, COCO and Datumaro exports put them there).
      const a = /(^|\/)images\//.test(existing);
      const b = /(^|\/)images\//.test(path);
      if (a !== b) map.set(key, a ? existing : path);
      else map.set(key, null);
    }
  }

  /** The archive path of an item's image, or `undefined`. */
  find(item: Pick<DatasetItem, 'name' | 'subset'>): string | undefined {
    const name = item.name.replace(/^\/+/, '');
    const candidates = [item.subset ? `${item.subset}/${name}` : '', name, base(name)].filter(
      (c) => c !== '',
    );
    for (const key of candidates) {
      const hit = this.bySuffix.get(key);
      if (hit) return hit;
    }
    for (const key of candidates) {
      const hit = this.byStem.get(withoutExt(key));
      if (hit) return hit;
    }
    return undefined;
  }
}

/** Stores bytes as they are (no decoding, no thumbnail); sizes from the file header, else the dataset. */
export function blobIngest(db?: BlobDatabase): MediaIngest {
  return {
    async store(files) {
      const prepared = await Promise.all(
        files.map(async (file) => {
          const mime = file.mime || mimeOf(file.name);
          const blob = new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: mime });
          const sha256 = await sha256Hex(blob);
          // The file header is the truth; the dataset's sizes are the fallback.
          const size = imageSize(file.bytes) ?? (file.width > 0 && file.height > 0 ? file : null);
          if (!size) {
            throw new Error(
              `${file.name}: cannot read the image size (expected a PNG, JPEG, GIF, BMP or WebP file)`,
            );
          }
          const { width, height } = size;
          return { sha256, blob, mime, width, height };
        }),
      );
      const created = await putBlobsWithThumbnails(
        prepared.map((p) => ({ sha256: p.sha256, blob: p.blob })),
        db,
      );
      return prepared.map((p, i) => ({
        sha256: p.sha256,
        width: p.width,
        height: p.height,
        mime: p.mime,
        created: created[i] ?? false,
      }));
    },
    async remove(sha256s) {
      for (const sha of sha256s) await deleteBlob(sha, db);
    },
  };
}
