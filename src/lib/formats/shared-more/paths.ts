import { normalizePath } from '../common/zip';

/** Path helpers for archive paths (forward slashes, no leading slash). */

export function basename(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The extension with its dot, lower-cased (`.jpg`), or `''`. */
export function extname(path: string): string {
  const name = basename(path);
  const i = name.lastIndexOf('.');
  return i <= 0 ? '' : name.slice(i).toLowerCase();
}

/** The path without its extension (`a/b.jpg` → `a/b`). */
export function stripExt(path: string): string {
  const ext = extname(path);
  return ext ? path.slice(0, path.length - ext.length) : path;
}

/** The file name without folder and extension. */
export function stem(path: string): string {
  return stripExt(basename(path));
}

export function joinPath(...parts: string[]): string {
  return normalizePath(parts.filter((p) => p !== '').join('/'));
}

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.bmp',
  '.gif',
  '.webp',
  '.tif',
  '.tiff',
  '.jfif',
  '.jpe',
  '.pgm',
  '.ppm',
]);

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path));
}

/**
 * The folder that holds `marker` (a file name or a relative path): `''` when it is at the root,
 * `a/b` when the archive wraps the dataset in folders. Null when absent.
 */
export function findRoot(paths: readonly string[], marker: string): string | null {
  let best: string | null = null;
  for (const path of paths) {
    if (path === marker) return '';
    if (path.endsWith(`/${marker}`)) {
      const root = path.slice(0, path.length - marker.length - 1);
      if (best === null || root.length < best.length) best = root;
    }
  }
  return best;
}
