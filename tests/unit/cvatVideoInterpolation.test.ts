/**
 * CVAT for video 1.1 exports write every frame of a track; rows with keyframe="0" are CVAT's own
 * interpolation. Rebuilding each track from its keyframes alone, our interpolation must give
 * back every exported non-key row within 0.01 px (outside and occluded included).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { shapeStateAt } from '$lib/core/interpolation';
import { CUBOID_KEYS } from '$lib/formats/cvat/read';
import type { ShapeType, TrackedShape } from '$lib/core/types';

const ROOT = join('..', 'shared', 'assets', 'cvat_video_1.1');
const FILES = [
  'datumaro-tests_cvat-ai/for_video/annotations.xml',
  'datumaro-tests_openvino/for_video/annotations.xml',
  'cvat-server-exports/job22_skeleton-tracks/extracted/annotations.xml',
  'cvat-server-exports/job23_empty/extracted/annotations.xml',
];
const TAGS: Record<string, ShapeType> = {
  box: 'rectangle',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  cuboid: 'cuboid',
  skeleton: 'skeleton',
  mask: 'mask',
};

type Row = Record<string, string>;
interface Exported {
  key: boolean;
  shape: TrackedShape;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

function pointsOf(tag: string, row: Row): number[] {
  if (tag === 'box') return [row.xtl, row.ytl, row.xbr, row.ybr].map(Number);
  if (tag === 'ellipse') return [row.cx, row.cy, row.rx, row.ry].map(Number);
  if (tag === 'cuboid') return CUBOID_KEYS.map((k) => Number(row[k]));
  return (row.points ?? '')
    .split(';')
    .filter(Boolean)
    .flatMap((p) => p.split(',').map(Number));
}

/** Every keyframe sequence of the file (tracks, and the element tracks of skeleton tracks). */
function sequences(xml: string): { name: string; rows: Exported[] }[] {
  const doc = parser.parse(xml) as { annotations: [{ track?: Record<string, unknown>[] }] };
  const out: { name: string; rows: Exported[] }[] = [];
  const visit = (track: Record<string, unknown>, name: string) => {
    const rows: Exported[] = [];
    for (const [tag, type] of Object.entries(TAGS)) {
      for (const row of (track[tag] as Row[] | undefined) ?? []) {
        rows.push({
          key: row.keyframe === '1',
          shape: {
            type,
            frame: Number(row.frame),
            outside: row.outside === '1',
            occluded: row.occluded === '1',
            z_order: Number(row.z_order ?? 0),
            rotation: Number(row.rotation ?? 0),
            points: tag === 'skeleton' ? [] : pointsOf(tag, row),
            attributes: [],
          },
        });
      }
      for (const row of (track[tag] as Record<string, unknown>[] | undefined) ?? [])
        for (const [k, inner] of ((row.track as Record<string, unknown>[] | undefined) ?? []).entries())
          visit(inner, `${name}/${k}`);
    }
    for (const [k, inner] of ((track.track as Record<string, unknown>[] | undefined) ?? []).entries())
      visit(inner, `${name}/element ${k}`);
    rows.sort((a, b) => a.shape.frame - b.shape.frame);
    if (rows.length > 0) out.push({ name, rows });
  };
  for (const [i, track] of (doc.annotations[0].track ?? []).entries())
    visit(track, `track ${String(track.id ?? i)}`);
  return out;
}

describe('interpolation against CVAT for video 1.1 exports', () => {
  let compared = 0;
  for (const file of FILES) {
    it(`reproduces the interpolated rows of ${file}`, () => {
      const xml = readFileSync(join(ROOT, file), 'utf8');
      for (const { name, rows } of sequences(xml)) {
        const keyframes = rows.filter((r) => r.key).map((r) => r.shape);
        expect(keyframes.length, `${name} has keyframes`).toBeGreaterThan(0);
        for (const row of rows) {
          const state = shapeStateAt(keyframes, row.shape.frame);
          expect(state, `${name} frame ${row.shape.frame}`).not.toBeNull();
          expect(state!.outside, `${name} frame ${row.shape.frame} outside`).toBe(row.shape.outside);
          if (row.shape.outside) continue;
          expect(state!.occluded).toBe(row.shape.occluded);
          expect(state!.points.length).toBe(row.shape.points.length);
          state!.points.forEach((v, k) =>
            expect(Math.abs(v - row.shape.points[k]!)).toBeLessThanOrEqual(0.01),
          );
          if (!row.key) compared++;
        }
      }
    });
  }
  it('compared the interpolated rows the samples hold', () => {
    // The samples hold 8 non-key rows (skeleton and element tracks); all of them were checked.
    expect(compared).toBe(8);
  });
});
