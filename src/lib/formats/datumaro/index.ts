/** Datumaro 1.0 and Datumaro 3D 1.0: `annotations/<subset>.json` (+ `images/<subset>/` or `point_clouds/<subset>/`). */
import { writeMedia } from '../common/media';
import type { Dataset, ExportOptions, FileSink, FileSource, FormatCodec } from '../types';
import { datumaroFiles, readDatumaro } from './read';
import { writeDatumaro } from './write';

export { datumaroFiles, readDatumaro } from './read';
export { writeDatumaro } from './write';

async function detect(source: FileSource, dimension: '2d' | '3d'): Promise<number> {
  let files;
  try {
    files = datumaroFiles(source);
  } catch {
    return 0;
  }
  const head = (await source.text(files[0]!.path)).slice(0, 65536);
  if (!/"items"\s*:/.test(head) || !/"categories"\s*:/.test(head)) return 0;
  if (/"images"\s*:\s*\[/.test(head)) return 0;
  const is3d = /"point_cloud"\s*:/.test(head) || /"cuboid_3d"/.test(head);
  return is3d === (dimension === '3d') ? 0.9 : 0.3;
}

async function exportDatumaro(dataset: Dataset, sink: FileSink, options: ExportOptions) {
  options.progress?.(0, 'Writing annotations');
  for (const [path, text] of writeDatumaro(dataset, { signal: options.signal })) await sink.write(path, text);
  options.progress?.(0.5);
  const folder = dataset.dimension === '3d' ? 'point_clouds' : 'images';
  await writeMedia(
    dataset.items,
    sink,
    options,
    (item) => `${folder}/${item.subset === '' ? 'default' : item.subset}/${item.name}`,
  );
  options.progress?.(1);
}

const KINDS = [
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
] as const;

export const DATUMARO_CODEC: FormatCodec = {
  name: 'Datumaro',
  version: '1.0',
  id: 'datumaro',
  dimension: '2d',
  kinds: KINDS,
  importExtensions: ['zip', 'json'],
  detect: (source) => detect(source, '2d'),
  import: (source, context) => readDatumaro(source, context, '2d'),
  export: (dataset, sink, options) => exportDatumaro(dataset, sink, options),
};

export const DATUMARO_3D_CODEC: FormatCodec = {
  name: 'Datumaro 3D',
  version: '1.0',
  id: 'datumaro-3d',
  dimension: '3d',
  kinds: ['cuboid', 'tag', 'track'],
  importExtensions: ['zip', 'json'],
  detect: (source) => detect(source, '3d'),
  import: (source, context) => readDatumaro(source, context, '3d'),
  export: (dataset, sink, options) => exportDatumaro({ ...dataset, dimension: '3d' }, sink, options),
};
