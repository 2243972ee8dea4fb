/**
 * Decides what each collected file is for: a frame, a context image of a frame (CVAT's
 * `related_images/<name with . as _>/` for 2D; the pointcloud, velodyne and default layouts for 3D),
 * a video for the video pipeline, a manifest, or a skipped file with its reason.
 */
import type { FileKind } from './fileKind';

export interface ClassifiedFile {
  path: string;
  kind: FileKind;
}

export interface IngestIssue {
  name: string;
  reason: string;
}

export class IngestError extends Error {
  override readonly name = 'IngestError';
}

export interface Layout {
  dimension: '2d' | '3d';
  /** Paths of frame files, in the order they were collected. */
  frames: string[];
  /** Frame path → paths of its context images. */
  related: Map<string, string[]>;
  videos: string[];
  manifest: string | null;
  skipped: IngestIssue[];
}

const dirname = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf('/')));
const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const stem = (path: string) => basename(path).replace(/\.[^.]*$/, '');
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const contextKey = (name: string) => basename(name).replace(/\./g, '_');

/** `<dir>/related_images/<key>/<file>` → { dir, key }. */
function relatedFolder(path: string): { dir: string; key: string } | null {
  const parts = path.split('/');
  const at = parts.lastIndexOf('related_images');
  if (at < 0 || at !== parts.length - 3) return null;
  return { dir: parts.slice(0, at).join('/'), key: parts[at + 1] as string };
}

/** KITTI `<root>/IMAGE_0N/data/<stem>.png` → the velodyne frame it belongs to. */
function velodyneFrameOf(path: string, clouds: Set<string>): string | null {
  const match = /^(.*?)(?:^|\/)IMAGE_\d+\/data\/([^/]+)$/.exec(path);
  if (!match) return null;
  const root = match[1] ?? '';
  const name = stem(match[2] ?? '');
  for (const cloud of clouds) {
    if (dirname(cloud) === join(root, 'velodyne_points/data') && stem(cloud) === name) return cloud;
  }
  return null;
}

export function planLayout(files: readonly ClassifiedFile[]): Layout {
  const skipped: IngestIssue[] = [];
  const videos: string[] = [];
  const manifests: string[] = [];
  const images: string[] = [];
  const clouds: string[] = [];
  for (const { path, kind } of files) {
    if (kind.kind === 'image') images.push(path);
    else if (kind.kind === 'pointcloud') clouds.push(path);
    else if (kind.kind === 'video') videos.push(path);
    else if (kind.kind === 'manifest') manifests.push(path);
    else if (kind.kind === 'archive')
      skipped.push({ name: path, reason: 'archives inside archives are not expanded' });
    else skipped.push({ name: path, reason: kind.reason });
  }
  if (manifests.length > 1) {
    throw new IngestError(
      `Only one manifest can describe a task, but several were given: ${manifests.join(', ')}.`,
    );
  }
  const related = new Map<string, string[]>();
  const attach = (frame: string, image: string) => related.set(frame, [...(related.get(frame) ?? []), image]);
  const unclaimed: string[] = [];

  if (clouds.length === 0) {
    const frames = new Set(images.filter((p) => !relatedFolder(p)));
    for (const image of images) {
      const folder = relatedFolder(image);
      if (!folder) continue;
      const frame = [...frames].find((f) => dirname(f) === folder.dir && contextKey(f) === folder.key);
      if (frame) attach(frame, image);
      else
        skipped.push({
          name: image,
          reason: `a context image in related_images/${folder.key}/, but no image in the task is named like that folder`,
        });
    }
    return { dimension: '2d', frames: [...frames], related, videos, manifest: manifests[0] ?? null, skipped };
  }

  const cloudSet = new Set(clouds);
  for (const image of images) {
    const folder = relatedFolder(image);
    if (folder) {
      // `related_images` sits beside the clouds, or beside their `pointcloud/` folder.
      const frame = clouds.find(
        (c) =>
          contextKey(c) === folder.key &&
          (dirname(c) === folder.dir || dirname(c) === join(folder.dir, 'pointcloud')),
      );
      if (frame) attach(frame, image);
      else unclaimed.push(image);
      continue;
    }
    const velodyne = velodyneFrameOf(image, cloudSet);
    if (velodyne) {
      attach(velodyne, image);
      continue;
    }
    // Default layouts: `data/x.pcd` + `data/x.png`, or `data/x/x.pcd` + any context images in `data/x/`.
    const beside = clouds.filter((c) => dirname(c) === dirname(image));
    const frame = beside.find((c) => stem(c) === stem(image) || basename(dirname(c)) === stem(c));
    if (frame) attach(frame, image);
    else unclaimed.push(image);
  }
  if (unclaimed.length > 0) {
    const shown =
      unclaimed.slice(0, 3).join(', ') + (unclaimed.length > 3 ? ` and ${unclaimed.length - 3} more` : '');
    throw new IngestError(
      `A task holds either 2D images or 3D point clouds, not both. Found point clouds (${clouds[0] ?? ''}…) and images that are not their context images: ${shown}. ` +
        'Put context images in related_images/<cloud name with . as _>/ or the KITTI IMAGE_0N/data/ folders, or make two tasks.',
    );
  }
  return { dimension: '3d', frames: clouds, related, videos, manifest: manifests[0] ?? null, skipped };
}
