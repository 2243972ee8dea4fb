/**
 * Kitti Raw Format 1.0 (3D): `tracklet_labels.xml`, boost serialization of tracklets — an
 * `objectType`, box size `h w l`, `first_frame` and one pose (`tx ty tz rx ry rz`, occlusion)
 * per frame from there — with point clouds `velodyne_points/data/<10 digits>.pcd` and context
 * images `IMAGE_0N/data/<10 digits>.png`. A tracklet imports as a cuboid track (CVAT 3D cuboid
 * points: position, rotation, scale, then 7 zeros) that goes outside after its last pose.
 */
import { trackToShapes } from '../common/dataset';
import { parseXml, XmlReader, XmlWriter, type XmlElement } from '../common/xml';
import type {
  Dataset,
  DatasetItem,
  ExportOptions,
  FileSink,
  FileSource,
  FormatCodec,
  ImportContext,
} from '../types';
import { FormatError } from '../types';
import { DatasetBuilder, keyframe } from '../shared-more/builder';
import { basename, stem } from '../shared-more/paths';
import { closeRuns } from '../shared-more/tracks';

const FRAME = /(^|\/)velodyne_points\/data\/(\d+)\.(pcd|bin)$/;

function num(reader: XmlReader, el: XmlElement, name: string): number {
  const child = reader.child(el, name);
  const v = Number(child?.text);
  if (!child || child.text.trim() === '' || !Number.isFinite(v)) {
    throw reader.error(
      child ?? el,
      child ? `<${name}> is "${child.text}"` : `<${name}> is missing`,
      'a number',
    );
  }
  return v;
}

async function importKittiRaw(source: FileSource, context: ImportContext): Promise<Dataset> {
  const path = source.paths().find((p) => /(^|\/)tracklet_labels\.xml$/.test(p));
  if (!path)
    throw new FormatError('tracklet_labels.xml', 'not found in the archive', {
      expected: 'tracklet_labels.xml with velodyne_points/data/',
    });
  const root = path.slice(0, path.length - 'tracklet_labels.xml'.length);
  const file = 'tracklet_labels.xml';
  const reader = new XmlReader(file);
  const doc = parseXml(await source.text(path), file);
  const tracklets = doc.name === 'tracklets' ? doc : reader.child(doc, 'tracklets');
  if (!tracklets)
    throw reader.error(doc, `<${doc.name}> has no <tracklets>`, '<boost_serialization><tracklets>');
  const builder = new DatasetBuilder('3d');
  const warnings: string[] = [];
  const frames = new Map<number, string>();
  for (const p of source.paths()) {
    const m = FRAME.exec(p);
    if (m && p.startsWith(root)) frames.set(Number(m[2]), p);
  }
  const items = tracklets.children.filter((c) => c.name === 'item');
  const declared = Number(reader.childText(tracklets, 'count'));
  if (Number.isFinite(declared) && declared !== items.length) {
    const message = `${file}: <count> says ${declared} tracklets but ${items.length} follow; the ${items.length} are read`;
    warnings.push(message);
    context.warn?.(message);
  }
  const parsed = items.map((el) => {
    const type = reader.childText(el, 'objectType')?.trim();
    if (!type) throw reader.error(el, 'a tracklet has no <objectType>', 'the label name');
    const size = [num(reader, el, 'w'), num(reader, el, 'h'), num(reader, el, 'l')];
    const first = num(reader, el, 'first_frame');
    if (!Number.isInteger(first) || first < 0)
      throw reader.error(
        reader.child(el, 'first_frame')!,
        `<first_frame> is ${first}`,
        'a frame number from 0',
      );
    const poses = (reader.child(el, 'poses')?.children ?? []).filter((c) => c.name === 'item');
    return { el, type, size, first, poses };
  });
  let last = frames.size ? Math.max(...frames.keys()) : -1;
  for (const t of parsed) last = Math.max(last, t.first + t.poses.length - 1);
  const itemsByFrame = new Map<number, DatasetItem>();
  for (let f = 0; f <= last; f++) {
    const pcd = frames.get(f);
    const name = context.frames?.[f]?.name ?? (pcd ? basename(pcd) : `${String(f).padStart(10, '0')}.pcd`);
    const item = builder.item(name, '');
    const related = source
      .paths()
      .filter((p) => p.startsWith(root) && /IMAGE_\d+\/data\//.test(p) && stem(p) === stem(name));
    if (related.length) item.related = related.map((p) => p.slice(root.length));
    itemsByFrame.set(f, item);
  }
  const frameSet = new Set(builder.dataset.items.map((i) => i.frame));
  for (const t of parsed) {
    const label = builder.label(t.type, 'cuboid');
    const shapes = t.poses.map((pose, k) => {
      const point = ['tx', 'ty', 'tz', 'rx', 'ry', 'rz'].map((n) => num(reader, pose, n));
      const occlusion = Number(reader.childText(pose, 'occlusion') ?? -1);
      return keyframe(
        'cuboid',
        itemsByFrame.get(t.first + k)!.frame,
        [...point, ...t.size, 0, 0, 0, 0, 0, 0, 0],
        { occluded: occlusion > 0 },
      );
    });
    if (shapes.length) builder.track(label.id, closeRuns(shapes, frameSet));
  }
  if (warnings.length) builder.dataset.meta.warnings = warnings;
  return builder.dataset;
}

async function exportKittiRaw(dataset: Dataset, sink: FileSink, options: ExportOptions): Promise<void> {
  const labels = new Map(dataset.labels.map((l) => [l.id, l.name]));
  const items = [...dataset.items].sort((a, b) => a.frame - b.frame);
  const index = new Map(items.map((item, i) => [item.frame, i]));
  const frames = items.map((i) => i.frame);
  // A tracklet is a run of consecutive frames: tracks are split where they go outside.
  const tracklets: { label: string; first: number; poses: { points: number[]; occluded: boolean }[] }[] = [];
  const addRun = (label: string, shapes: { frame: number; points: number[]; occluded: boolean }[]) => {
    let run: (typeof tracklets)[number] | undefined;
    let prev = -2;
    for (const s of shapes) {
      const i = index.get(s.frame);
      if (i === undefined) continue;
      if (!run || i !== prev + 1) tracklets.push((run = { label, first: i, poses: [] }));
      run.poses.push({ points: s.points, occluded: s.occluded });
      prev = i;
    }
  };
  for (const track of dataset.tracks) {
    const shapes = trackToShapes(track, frames).filter((s) => s.type === 'cuboid');
    addRun(
      labels.get(track.label_id) ?? '',
      shapes.sort((a, b) => a.frame - b.frame),
    );
  }
  for (const s of dataset.shapes)
    if (s.type === 'cuboid' && !s.outside) addRun(labels.get(s.label_id) ?? '', [s]);
  const w = new XmlWriter();
  w.open('boost_serialization', { signature: 'serialization::archive', version: '9' });
  w.open('tracklets', { class_id: '0', tracking_level: '0', version: '0' });
  w.leaf('count', {}, String(tracklets.length)).leaf('item_version', {}, '1');
  for (const [k, t] of tracklets.entries()) {
    const p0 = t.poses[0]!.points;
    w.open('item', k === 0 ? { class_id: '1', tracking_level: '0', version: '1' } : {});
    w.leaf('objectType', {}, t.label)
      .leaf('w', {}, String(p0[6] ?? 0))
      .leaf('h', {}, String(p0[7] ?? 0))
      .leaf('l', {}, String(p0[8] ?? 0));
    w.leaf('first_frame', {}, String(t.first));
    w.open('poses', k === 0 ? { class_id: '2', tracking_level: '0', version: '0' } : {});
    w.leaf('count', {}, String(t.poses.length)).leaf('item_version', {}, '2');
    for (const [j, pose] of t.poses.entries()) {
      w.open('item', k === 0 && j === 0 ? { class_id: '3', tracking_level: '0', version: '2' } : {});
      for (const [n, v] of ['tx', 'ty', 'tz', 'rx', 'ry', 'rz'].entries())
        w.leaf(v, {}, String(pose.points[n] ?? 0));
      w.leaf('state', {}, '2')
        .leaf('occlusion', {}, pose.occluded ? '1' : '0')
        .leaf('occlusion_kf', {}, '0')
        .leaf('truncation', {}, '-1');
      for (const f of ['amt_occlusion', 'amt_border_l', 'amt_border_r', 'amt_occlusion_kf', 'amt_border_kf'])
        w.leaf(f, {}, '-1');
      w.close();
    }
    w.close();
    w.leaf('finished', {}, '1');
    w.close();
  }
  w.close();
  w.close();
  const xml = w.toString().replace(/^(<\?xml[^>]*>\n)/, '$1<!DOCTYPE boost_serialization>\n');
  await sink.write('tracklet_labels.xml', xml);
  if (options.saveImages) {
    for (const [i, item] of items.entries()) {
      const bytes = await options.media?.(item);
      if (bytes) await sink.write(`velodyne_points/data/${String(i).padStart(10, '0')}.pcd`, bytes);
    }
  }
}

export const kittiRawCodec: FormatCodec = {
  name: 'Kitti Raw Format',
  version: '1.0',
  id: 'kitti-raw',
  dimension: '3d',
  kinds: ['cuboid', 'track'],
  importExtensions: ['zip', 'xml'],
  async detect(source) {
    return source.paths().some((p) => /(^|\/)tracklet_labels\.xml$/.test(p)) ? 0.95 : 0;
  },
  import: importKittiRaw,
  export: exportKittiRaw,
};
