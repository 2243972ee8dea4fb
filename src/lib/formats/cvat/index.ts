/** CVAT for images 1.1 and CVAT for video 1.1: `annotations.xml` (+ `images/`), or a bare XML file. */
import type { FileSource, FormatCodec, FormatShapeKind } from '../types';
import { FormatError } from '../types';
import { readCvatXml } from './read';
import { mediaExtension, writeMedia } from '../common/media';
import { writeCvatImagesXml, writeCvatVideoXml } from './write';

export { readCvatXml, type CvatDocument } from './read';
export { writeCvatImagesXml, writeCvatVideoXml, type CvatVideoWriteOptions } from './write';

const KINDS: readonly FormatShapeKind[] = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'cuboid',
  'mask',
  'skeleton',
  'tag',
  'track',
];

/** The annotation file of a CVAT export: `annotations.xml`, else the one XML file (`train.xml`). */
export function findCvatXml(source: FileSource): string {
  const xml = source.paths().filter((p) => /\.xml$/i.test(p));
  const main = xml.find((p) => p.toLowerCase() === 'annotations.xml');
  if (main) return main;
  const top = xml.filter((p) => !p.includes('/'));
  if (top.length === 1) return top[0]!;
  if (xml.length === 1) return xml[0]!;
  throw new FormatError(
    'archive',
    xml.length === 0 ? 'no XML annotation file' : `several XML files (${xml.slice(0, 5).join(', ')})`,
    { expected: 'annotations.xml at the root of the archive' },
  );
}

async function sniff(source: FileSource): Promise<{ images: boolean; tracks: boolean } | null> {
  let path: string;
  try {
    path = findCvatXml(source);
  } catch {
    return null;
  }
  const text = await source.text(path);
  const head = text.slice(0, 4096);
  if (!/<annotations[\s>]/.test(head)) return null;
  return { images: /<image[\s>]/.test(text), tracks: /<track[\s>]/.test(text) };
}

export const CVAT_IMAGES_CODEC: FormatCodec = {
  name: 'CVAT for images',
  version: '1.1',
  id: 'cvat-images',
  dimension: '2d',
  kinds: KINDS,
  importExtensions: ['zip', 'xml'],
  async detect(source) {
    const s = await sniff(source);
    if (!s) return 0;
    return s.images ? 0.95 : s.tracks ? 0.6 : 0.8;
  },
  async import(source, context) {
    const path = findCvatXml(source);
    return readCvatXml(await source.text(path), path, context).dataset;
  },
  async export(dataset, sink, options) {
    options.progress?.(0, 'Writing annotations.xml');
    await sink.write('annotations.xml', writeCvatImagesXml(dataset, options.signal));
    await writeMedia(dataset.items, sink, options, (item, bytes) =>
      /\.[A-Za-z0-9]{2,5}$/.test(item.name)
        ? `images/${item.name}`
        : `images/${item.name}.${mediaExtension(item.name, bytes)}`,
    );
    options.progress?.(1);
  },
};

export const CVAT_VIDEO_CODEC: FormatCodec = {
  name: 'CVAT for video',
  version: '1.1',
  id: 'cvat-video',
  dimension: '2d',
  kinds: KINDS,
  importExtensions: ['zip', 'xml'],
  async detect(source) {
    const s = await sniff(source);
    if (!s) return 0;
    return s.images ? 0.5 : s.tracks ? 0.95 : 0.75;
  },
  async import(source, context) {
    const path = findCvatXml(source);
    return readCvatXml(await source.text(path), path, context).dataset;
  },
  async export(dataset, sink, options) {
    options.progress?.(0, 'Writing annotations.xml');
    await sink.write('annotations.xml', writeCvatVideoXml(dataset, { signal: options.signal }));
    const start = Number(dataset.meta.startFrame ?? 0);
    const step = Number(dataset.meta.frameStep ?? 1);
    await writeMedia(
      dataset.items,
      sink,
      options,
      (item, bytes) =>
        `images/frame_${String(start + item.frame * step).padStart(6, '0')}.${mediaExtension(item.name, bytes)}`,
    );
    options.progress?.(1);
  },
};
