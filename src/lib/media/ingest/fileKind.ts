/** What a file is, by its first bytes first and its name second. */
import { sniffImageType } from '../imageType';
import { archiveKindOf } from './archive/types';
import { pointCloudKindOf, type PointCloudKind } from '../pointcloud/index';

export type FileKind =
  | { kind: 'image'; mime: string }
  | { kind: 'video' }
  | { kind: 'archive' }
  | { kind: 'pointcloud'; format: PointCloudKind }
  | { kind: 'manifest' }
  | { kind: 'unsupported'; reason: string };

/** How many leading bytes `fileKindOf` needs. */
export const SNIFF_BYTES = 512;

const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv|avi|mpg|mpeg|ts|mts|wmv|flv|3gp|ogv)$/i;

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end));
}

export function imageMimeOf(head: Uint8Array): string | null {
  const known = sniffImageType(head);
  if (known) return known;
  if (
    (head[0] === 0x49 && head[1] === 0x49 && head[2] === 0x2a && head[3] === 0) ||
    (head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && head[3] === 0x2a)
  ) {
    return 'image/tiff';
  }
  const pnm = /^P([1-6])\s/.exec(ascii(head, 0, 3))?.[1];
  if (pnm === '1' || pnm === '4') return 'image/x-portable-bitmap';
  if (pnm === '2' || pnm === '5') return 'image/x-portable-graymap';
  if (pnm === '3' || pnm === '6') return 'image/x-portable-pixmap';
  return null;
}

export function isNetpbm(mime: string): boolean {
  return mime.startsWith('image/x-portable-');
}

function looksLikeVideo(head: Uint8Array, name: string): boolean {
  if (ascii(head, 4, 8) === 'ftyp') return true; // MP4, MOV, 3GP
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return true; // WebM, MKV
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'AVI ') return true;
  return VIDEO_EXTENSIONS.test(name);
}

export function fileKindOf(head: Uint8Array, name: string): FileKind {
  const lower = name.toLowerCase();
  const mime = imageMimeOf(head);
  if (mime) return { kind: 'image', mime };
  if (looksLikeVideo(head, name)) return { kind: 'video' };
  if (lower.endsWith('.jsonl')) return { kind: 'manifest' };
  const cloud = pointCloudKindOf(name);
  if (cloud) return { kind: 'pointcloud', format: cloud };
  if (archiveKindOf(head, name) || /\.(zip|tar|tgz|gz|rar|7z|bz2|xz)$/.test(lower))
    return { kind: 'archive' };
  if (/\.(jpe?g|png|bmp|gif|tiff?|webp|p[bgp]m|pnm|jfif)$/.test(lower)) {
    return {
      kind: 'unsupported',
      reason: 'the file is named like an image but its bytes are not one: it is corrupt or mislabelled',
    };
  }
  return {
    kind: 'unsupported',
    reason:
      'not an image (JPEG, PNG, BMP, GIF, TIFF, WebP, PPM/PGM/PBM), video, point cloud (.pcd, .bin), archive (zip, tar) or manifest.jsonl',
  };
}
