/** The 3D formats: Kitti Raw and Supervisely point clouds. */
import { describe, expect, it } from 'vitest';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import { kittiRawCodec } from '../../../src/lib/formats/kittiraw';
import { slyPointCloudCodec } from '../../../src/lib/formats/slypcd';
import type { Dataset } from '../../../src/lib/formats/types';
import { assetSource, counts, memorySource, MemoryFiles, semantic } from './moreFixtures';

const frames = (ds: Dataset) => ds.items.map((i) => ({ name: i.name, width: 0, height: 0 }));
function perFrame(ds: Dataset): string[] {
  const name = new Map(ds.labels.map((l) => [l.id, l.name]));
  return ds.items
    .flatMap((item) =>
      ds.tracks.flatMap((t) => {
        const s = resolveTrack(t, item.frame);
        return s
          ? [
              `${item.frame}:${name.get(t.label_id)}:${s.points.map((v) => v.toFixed(3)).join(',')}:${s.occluded}`,
            ]
          : [];
      }),
    )
    .sort();
}

describe('Kitti Raw Format 1.0', () => {
  it('reads tracklets as cuboid tracks (count says 4, 3 follow)', async () => {
    const source = assetSource('kitti_raw_1.0/datumaro-tests/kitti_raw');
    expect(await kittiRawCodec.detect!(source)).toBeGreaterThan(0.5);
    const warnings: string[] = [];
    const ds = await kittiRawCodec.import!(source, { warn: (m) => warnings.push(m) });
    expect(ds.dimension).toBe('3d');
    expect(counts(ds)).toEqual({ items: 3, labels: 2, tags: 0, tracks: 3 });
    expect(warnings).toEqual(['tracklet_labels.xml: <count> says 4 tracklets but 3 follow; the 3 are read']);
    expect(ds.items[0]).toMatchObject({ name: '0000000000.pcd', related: ['IMAGE_00/data/0000000000.png'] });
    const bus = ds.tracks.find((t) => ds.labels.find((l) => l.id === t.label_id)!.name === 'bus')!;
    expect(bus.shapes.map((s) => [s.frame, s.outside])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
    // Negative sizes are kept as written: w 8.34, h 23.01, l -0.76.
    expect(bus.shapes[1]!.points.slice(0, 9)).toEqual([0, 1, 0, 1, 1, 3, 8.34, 23.01, -0.76]);
    expect(bus.shapes[1]!.occluded).toBe(true);
    const sink = new MemoryFiles();
    await kittiRawCodec.export!(ds, sink, { saveImages: false });
    expect(sink.text('tracklet_labels.xml')).toMatch(
      /^<\?xml[^\n]*\n<!DOCTYPE boost_serialization>\n<boost_serialization/,
    );
    const second = await kittiRawCodec.import!(sink.source(), { frames: frames(ds) });
    expect(counts(second)).toEqual(counts(ds));
    expect(perFrame(second)).toEqual(perFrame(ds));
  });
  it('rejects a pose with a non-numeric coordinate', async () => {
    const xml =
      '<boost_serialization><tracklets><count>1</count><item><objectType>car</objectType><w>1</w><h>1</h><l>1</l><first_frame>0</first_frame>\n<poses><item>\n<tx>a</tx><ty>0</ty><tz>0</tz><rx>0</rx><ry>0</ry><rz>0</rz></item></poses></item></tracklets></boost_serialization>';
    await expect(kittiRawCodec.import!(memorySource({ 'tracklet_labels.xml': xml }), {})).rejects.toThrow(
      'tracklet_labels.xml line 3 <tx>: <tx> is "a" (expected a number)',
    );
  });
  it('rejects truncated XML', async () => {
    await expect(
      kittiRawCodec.import!(
        memorySource({ 'tracklet_labels.xml': '<boost_serialization><tracklets><count>1' }),
        {},
      ),
    ).rejects.toThrow(/^tracklet_labels.xml line 1: the file ends before/);
  });
});

describe('Sly Point Cloud Format 1.0', () => {
  it('reads cuboid figures, object tags as attributes and frame tags', async () => {
    const source = assetSource('sly_pointcloud/datumaro-tests');
    expect(await slyPointCloudCodec.detect!(source)).toBeGreaterThan(0.5);
    const ds = await slyPointCloudCodec.import!(source, {});
    expect(ds.dimension).toBe('3d');
    // frame1: 2 figures and tags tag2=65, tag1=25dsd; frame2: 1 figure.
    expect(counts(ds)).toEqual({ items: 2, labels: 4, tags: 2, tracks: 0, cuboid: 3 });
    expect(ds.items[0]).toMatchObject({
      name: 'frame1.pcd',
      subset: 'ds0',
      related: ['ds0/related_images/frame1_pcd/img2.png'],
    });
    const car = ds.labels.find((l) => l.name === 'car')!;
    expect(car.attributes.map((a) => a.name).sort()).toEqual(['tag1', 'tag3']);
    const bus = ds.shapes.find((s) => s.label_id === ds.labels.find((l) => l.name === 'bus')!.id)!;
    expect(bus.points.slice(0, 9)).toEqual([0.59, 14.41, -0.61, 0, 0, 0, 1, 1, 1]);
    const sink = new MemoryFiles();
    await slyPointCloudCodec.export!(ds, sink, { saveImages: false });
    const second = await slyPointCloudCodec.import!(sink.source(), {});
    expect(semantic(second, 6)).toEqual(semantic(ds, 6));
  });
  it('rejects a figure of an unknown class', async () => {
    const source = memorySource({
      'meta.json': '{"classes": [{"title": "car"}]}',
      'ds0/ann/a.pcd.json':
        '{"objects": [{"key": "o", "classTitle": "boat"}], "figures": [{"objectKey": "o", "geometry": {}}]}',
    });
    await expect(slyPointCloudCodec.import!(source, {})).rejects.toThrow(
      'ds0/ann/a.pcd.json figures[0]: class "boat" is not in meta.json (expected one of car)',
    );
  });
  it('rejects a geometry of the wrong type', async () => {
    const source = memorySource({
      'meta.json': '{"classes": [{"title": "car"}]}',
      'ds0/ann/a.pcd.json':
        '{"objects": [{"key": "o", "classTitle": "car"}], "figures": [{"objectKey": "o", "geometry": {"position": {"x": 1, "y": "2", "z": 3}}}]}',
    });
    await expect(slyPointCloudCodec.import!(source, {})).rejects.toThrow(
      'ds0/ann/a.pcd.json figures[0].geometry.position: figures[0].geometry.position is {"x":1,"y":"2","z":3} (expected {"x": number, "y": number, "z": number})',
    );
  });
  it('rejects truncated JSON', async () => {
    await expect(
      slyPointCloudCodec.import!(memorySource({ 'meta.json': '{"classes": [' }), {}),
    ).rejects.toThrow(/^meta.json: is not valid JSON/);
  });
});
