/** Post-processing on synthetic outputs: NMS (axis-aligned and rotated), DB text regions, BlazeFace anchors. */
import { describe, expect, it } from 'vitest';
import { blazefaceAnchors, decodeBlazeface } from '../../../src/lib/ai/decoders/blazeface';
import { decodeTextDetection, minAreaRect, unclip } from '../../../src/lib/ai/decoders/textDetection';
import { placement, toImage, toTensor } from '../../../src/lib/ai/image';
import { boxIoU, nms, polygonIoU, rotatedCorners } from '../../../src/lib/ai/nms';
import type { Detection } from '../../../src/lib/ai/types';

describe('NMS', () => {
  it('keeps the best of overlapping boxes per class, and all classes apart', () => {
    const items = [
      { label: 0, score: 0.6, box: [0, 0, 10, 10] as const },
      { label: 0, score: 0.9, box: [1, 1, 11, 11] as const },
      { label: 1, score: 0.8, box: [1, 1, 11, 11] as const },
      { label: 0, score: 0.7, box: [20, 20, 30, 30] as const },
    ];
    const overlap = (a: (typeof items)[number], b: (typeof items)[number]) => boxIoU(a.box, b.box);
    expect(nms(items, overlap, { iouThreshold: 0.5 })).toEqual([1, 2, 3]);
    expect(nms(items, overlap, { iouThreshold: 0.5, classAgnostic: true })).toEqual([1, 3]);
    expect(nms(items, overlap, { iouThreshold: 0.5, maxKeep: 1 })).toEqual([1]);
    // Below the overlap threshold both survive.
    expect(nms(items, overlap, { iouThreshold: 0.9 })).toEqual([1, 2, 3, 0]);
  });

  it('measures rotated boxes by their true overlap', () => {
    const a = rotatedCorners(0, 0, 10, 2, 0);
    const b = rotatedCorners(0, 0, 10, 2, Math.PI / 2);
    // A cross: the 2×2 centre is shared; union 20 + 20 − 4.
    expect(polygonIoU(a, b)).toBeCloseTo(4 / 36, 6);
    expect(polygonIoU(a, a)).toBeCloseTo(1, 6);
    expect(polygonIoU(a, rotatedCorners(50, 0, 10, 2, 0))).toBe(0);
  });
});

describe('pre-processing', () => {
  it('letterboxes into the centre and maps back exactly', () => {
    const p = placement(200, 100, { width: 64, height: 64, resize: 'letterbox' });
    expect(p).toMatchObject({ scaleX: 0.32, scaleY: 0.32, padX: 0, padY: 16 });
    expect(toImage(p, 32, 32)).toEqual([100, 50]);
    const white = { data: new Uint8ClampedArray(200 * 100 * 4).fill(255), width: 200, height: 100 };
    const { data } = toTensor(white, {
      width: 64,
      height: 64,
      layout: 'nchw',
      resize: 'letterbox',
      scale: 1 / 255,
      pad: 0,
    });
    // Padding rows are 0, image rows 1, in every channel plane.
    expect(data[0]).toBe(0);
    expect(data[32 * 64 + 10]).toBeCloseTo(1, 5);
    expect(data[2 * 4096 + 60 * 64]).toBe(0);
  });
});

describe('DB text post-processing', () => {
  it('turns each blob of the probability map into a grown 4-point polygon in image pixels', () => {
    // 64×32 map for a 128×64 image (stretch ×2): one 20×4 bar and one weak blob.
    const w = 64;
    const h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y < 14; y++) for (let x = 10; x < 30; x++) prob[y * w + x] = 0.95;
    for (let y = 20; y < 24; y++) for (let x = 40; x < 50; x++) prob[y * w + x] = 0.4;
    const p = placement(128, 64, { width: 64, height: 32, resize: 'stretch' });
    const found = decodeTextDetection(
      { data: prob, dims: [1, 1, h, w] },
      p,
      { width: 128, height: 64 },
      { threshold: 0.6, masksAsPolygons: false },
    );
    expect(found).toHaveLength(1);
    const [line] = found as Extract<Detection, { type: 'polygon' }>[];
    expect(line!.score).toBeCloseTo(0.95, 5);
    // Region 20×4 → unclip distance 20·4·1.5 / (2·24) = 2.5 on each side → 25×9 map px → ×2 image px.
    const xs = line!.points.filter((_, i) => i % 2 === 0);
    const ys = line!.points.filter((_, i) => i % 2 === 1);
    expect(Math.min(...xs)).toBeCloseTo(15, 5);
    expect(Math.max(...xs)).toBeCloseTo(65, 5);
    expect(Math.min(...ys)).toBeCloseTo(15, 5);
    expect(Math.max(...ys)).toBeCloseTo(33, 5);
  });

  it('fits tilted regions with a tilted rectangle', () => {
    const hull = [0, 0, 10, 10, 8, 12, -2, 2];
    const r = minAreaRect(hull);
    expect(Math.abs(r.angle)).toBeCloseTo(Math.PI / 4, 5);
    expect(r.w * r.h).toBeCloseTo(Math.hypot(10, 10) * Math.hypot(2, 2), 5);
    const grown = unclip(r, 1.5);
    expect(grown.w - r.w).toBeCloseTo(grown.h - r.h, 6);
  });
});

describe('BlazeFace decoding', () => {
  it('places anchors on the 16×16 and 8×8 grids and decodes a confident anchor into a box and keypoints', () => {
    const anchors = blazefaceAnchors(256);
    expect(anchors.length).toBe(2 * 896);
    expect([anchors[0], anchors[1]]).toEqual([0.5 / 16, 0.5 / 16]);
    expect([anchors[2 * 512], anchors[2 * 512 + 1]]).toEqual([0.5 / 8, 0.5 / 8]);
    const s16 = new Float32Array(512).fill(-10);
    const r16 = new Float32Array(512 * 16);
    const s8 = new Float32Array(384).fill(-10);
    const r8 = new Float32Array(384 * 16);
    // Anchor 600 = 8×8 grid cell 14 (x 6, y 1), centre (208, 48) in input pixels.
    const a = 600 - 512;
    s8[a] = 4;
    r8.set([2, -2, 40, 50, -10, -10, 10, -10, 0, 0, 0, 10, -20, 0, 20, 0], a * 16);
    const p = placement(512, 512, { width: 256, height: 256, resize: 'letterbox' });
    const found = decodeBlazeface(
      [
        { data: s16, dims: [1, 512, 1] },
        { data: s8, dims: [1, 384, 1] },
        { data: r16, dims: [1, 512, 16] },
        { data: r8, dims: [1, 384, 16] },
      ],
      p,
      { width: 512, height: 512 },
      { threshold: 0.5, masksAsPolygons: false },
      0.3,
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({ type: 'rectangle', label: 0, points: [380, 42, 460, 142] });
    const skeleton = found[1] as Extract<Detection, { type: 'skeleton' }>;
    expect(skeleton.keypoints.slice(0, 2)).toEqual([
      { x: 396, y: 76, score: expect.closeTo(0.982, 3) },
      { x: 436, y: 76, score: expect.closeTo(0.982, 3) },
    ]);
  });
});
