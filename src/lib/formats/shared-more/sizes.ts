/**
 * Image sizes for formats that store normalized coordinates or none at all: from the target
 * task's frames (ImportContext.frames), else from an image found in the archive.
 */
import type { FileSource, ImportContext } from '../types';
import { imageSize, type Size } from './imageSize';
import { basename, stem, stripExt } from './paths';

export class SizeResolver {
  private readonly byName = new Map<string, Size>();
  private readonly byStem = new Map<string, Size>();
  private readonly nameByStem = new Map<string, string>();
  private readonly nameByKey = new Map<string, string>();

  constructor(
    private readonly source: FileSource,
    context: ImportContext,
  ) {
    for (const f of context.frames ?? []) {
      const size = { width: f.width, height: f.height };
      this.byName.set(f.name, size);
      if (!this.byName.has(basename(f.name))) this.byName.set(basename(f.name), size);
      if (!this.byStem.has(stem(f.name))) this.byStem.set(stem(f.name), size);
      if (!this.nameByStem.has(stem(f.name))) this.nameByStem.set(stem(f.name), f.name);
      this.nameByKey.set(stripExt(f.name), f.name);
    }
  }

  /** The target frame's name for a path without extension (`a/0001`), else `fallback`. */
  nameForKey(key: string, fallback: string): string {
    return this.nameByKey.get(key) ?? fallback;
  }

  /** The target frame's name for a file stem (formats that store only `0001`), else `fallback`. */
  nameFor(fileStem: string, fallback: string): string {
    return this.nameByStem.get(fileStem) ?? fallback;
  }

  /** The size of the image `name` (its archive path when `path` is given); null when unknown. */
  async size(name: string, path?: string): Promise<Size | null> {
    const known = this.byName.get(name) ?? this.byName.get(basename(name)) ?? this.byStem.get(stem(name));
    if (known) return known;
    if (path && this.source.has(path)) return imageSize(await this.source.read(path));
    return null;
  }
}
