/**
 * Cross-format: CVAT XML through the other formats and back keeps what the other format can
 * carry — boxes through YOLO, box tracks through MOT (per-frame positions), polygons through
 * Segmentation mask (as their rasterised pixels).
 */
import { describe, expect, it } from 'vitest';
import { polygonToMask, decodeMaskToImage } from '../../../src/lib/core/mask';
import { resolveTrack } from '../../../src/lib/core/interpolation';
import { CVAT_IMAGES_CODEC, CVAT_VIDEO_CODEC } from '../../../src/lib/formats/cvat';
import { motCodec } from '../../../src/lib/formats/mot';
import { segmaskCodec } from '../../../src/lib/formats/segmask';
import { yoloCodec } from '../../../src/lib/formats/yolo';
import type { Dataset, FormatCodec } from '../../../src/lib/formats/types';
import { assetSource, MemoryFiles } from './moreFixtures';

async function through(codec: FormatCodec, ds: Dataset): Promise<Dataset> {
  const sink = new MemoryFiles();
  await codec.export!(ds, sink, { saveImages: false });
  return codec.import!(sink.source(), {
    frames: ds.items.map((i) => ({ name: i.name, width: i.width, height: i.height })),
  });
}

const boxes = (ds: Dataset) => {
  const names = new Map(ds.labels.map((l) => [l.id, l.name]));
  const items = new Map(ds.items.map((i) => [i.frame, i.name]));
  return ds.shapes
    .filter((s) => s.type === 'rectangle')
    .map(
      (s) => `${items.get(s.frame)} ${names.get(s.label_id)} ${s.points.map((v) => v.toFixed(2)).join(',')}`,
    )
    .sort();
};

describe('CVAT XML through the other formats', () => {
  it('CVAT for images → YOLO 1.1 → the same boxes', async () => {
    const cvat = await CVAT_IMAGES_CODEC.import!(
      assetSource('cvat_images_1.1/cvat-server-exports/job17_boxes/extracted'),
      {},
    );
    expect(boxes(cvat).length).toBeGreaterThan(0);
    const back = await through(yoloCodec, cvat);
    expect(boxes(back)).toEqual(boxes(cvat));
  });

  it('CVAT for video → MOT 1.1 → box tracks at the same place on every frame', async () => {
    const cvat = await CVAT_VIDEO_CODEC.import!(
      assetSource('cvat_video_1.1/datumaro-tests_openvino/for_video'),
      {},
    );
    const boxTracks = cvat.tracks.filter((t) => t.shapes[0]?.type === 'rectangle');
    expect(boxTracks.length).toBeGreaterThan(0);
    const back = await through(motCodec, { ...cvat, tracks: boxTracks });
    const perFrame = (ds: Dataset) =>
      ds.items
        .flatMap((item) =>
          ds.tracks.map((t) => {
            const s = resolveTrack(t, item.frame);
            return s
              ? `${item.frame}:${ds.labels.find((l) => l.id === t.label_id)!.name}:${s.points.map((v) => v.toFixed(2)).join(',')}`
              : '';
          }),
        )
        .filter(Boolean)
        .sort();
    expect(perFrame(back)).toEqual(perFrame({ ...cvat, tracks: boxTracks }));
  });

  it('CVAT for images → Segmentation mask → polygons as their pixels', async () => {
    const cvat = await CVAT_IMAGES_CODEC.import!(
      assetSource('cvat_images_1.1/datumaro-tests_cvat-ai/for_images'),
      {},
    );
    // The sample's polygon (1,2;3,4;6,5 on img1) has no label and is skipped on import; it is
    // put back with label1.
    const template = cvat.shapes.find((s) => s.type === 'rectangle')!;
    const frame = cvat.items.find((i) => i.name === 'img1.jpg')!.frame;
    const polygon = {
      ...template,
      type: 'polygon' as const,
      frame,
      points: [1, 2, 3, 4, 6, 5],
      label_id: cvat.labels.find((l) => l.name === 'label1')!.id,
    };
    const item = cvat.items.find((i) => i.frame === polygon.frame)!;
    const ds: Dataset = { ...cvat, items: [item], shapes: [polygon], tracks: [], tags: [] };
    const back = await through(segmaskCodec, ds);
    const expected = decodeMaskToImage(
      polygonToMask(polygon.points, item.width, item.height)!,
      item.width,
      item.height,
    );
    expect(back.shapes).toHaveLength(1);
    expect(Array.from(decodeMaskToImage(back.shapes[0]!.points, item.width, item.height))).toEqual(
      Array.from(expected),
    );
  });
});
