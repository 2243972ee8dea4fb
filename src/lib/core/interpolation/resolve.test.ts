import fc from 'fast-check';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ShapeType, Track, TrackedShape } from '../types';
import { resolveTrack, resolveTrackFull, shapeStateAt, TrackIndex } from './resolve';

const kf = (
  frame: number,
  type: ShapeType,
  points: number[],
  extra: Partial<TrackedShape> = {},
): TrackedShape => ({
  type,
  frame,
  occluded: false,
  outside: false,
  z_order: 0,
  rotation: 0,
  points,
  attributes: [],
  ...extra,
});

const track = (id: string, shapes: TrackedShape[], elements: Track['elements'] = []): Track => ({
  id,
  updated_date: '',
  author: '',
  job_id: 'j',
  frame: shapes[0]?.frame ?? 0,
  label_id: 'l',
  group: 0,
  source: 'manual',
  attributes: [],
  shapes,
  elements,
});

const keyframesArb = fc
  .uniqueArray(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 12 })
  .chain((frames) =>
    fc.tuple(
      ...[...frames]
        .sort((a, b) => a - b)
        .map((frame) =>
          fc
            .record({
              box: fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), {
                minLength: 4,
                maxLength: 4,
              }),
              outside: fc.boolean(),
            })
            .map(({ box, outside }) => kf(frame, 'rectangle', box, { outside })),
        ),
    ),
  );

describe('resolveTrack', () => {
  it('reproduces every keyframe exactly', () => {
    fc.assert(
      fc.property(keyframesArb, (shapes) => {
        const t = track('t', shapes);
        for (const s of shapes) {
          const r = resolveTrack(t, s.frame);
          if (s.outside) expect(r).toBeNull();
          else expect(r).toEqual({ ...s, keyframe: true });
        }
      }),
    );
  });

  it('hides before the first keyframe and after an outside one, holds after the last', () => {
    const t = track('t', [
      kf(10, 'rectangle', [0, 0, 10, 10]),
      kf(20, 'rectangle', [10, 10, 20, 20], { outside: true }),
      kf(30, 'rectangle', [30, 30, 40, 40]),
      kf(40, 'rectangle', [40, 40, 50, 50]),
    ]);
    expect(resolveTrack(t, 9)).toBeNull();
    expect(resolveTrack(t, 15)?.points).toEqual([5, 5, 15, 15]);
    expect(resolveTrack(t, 20)).toBeNull();
    expect(resolveTrack(t, 25)).toBeNull();
    expect(resolveTrack(t, 35)).toMatchObject({ frame: 35, keyframe: false, points: [35, 35, 45, 45] });
    expect(resolveTrack(t, 1000)).toMatchObject({ frame: 1000, keyframe: false, points: [40, 40, 50, 50] });
    expect(shapeStateAt(t.shapes, 25)).toMatchObject({ outside: true, frame: 25, keyframe: false });
  });

  it('interpolates before an outside keyframe towards it', () => {
    const t = track('t', [
      kf(0, 'rectangle', [0, 0, 10, 10]),
      kf(10, 'rectangle', [10, 0, 20, 10], { outside: true }),
    ]);
    expect(resolveTrack(t, 5)?.points).toEqual([5, 0, 15, 10]);
  });

  it('resolves skeleton elements one by one', () => {
    const t = track(
      's',
      [kf(0, 'skeleton', []), kf(10, 'skeleton', [])],
      [
        { label_id: 'a', attributes: [], shapes: [kf(0, 'points', [0, 0]), kf(10, 'points', [10, 20])] },
        {
          label_id: 'b',
          attributes: [],
          shapes: [kf(0, 'points', [5, 5]), kf(4, 'points', [5, 5], { outside: true })],
        },
      ],
    );
    const r = resolveTrackFull(t, 5);
    expect(r?.elements.map((e) => e.shape?.points ?? null)).toEqual([[5, 10], null]);
    const allOut = track(
      'o',
      [kf(0, 'skeleton', [])],
      [{ label_id: 'a', attributes: [], shapes: [kf(0, 'points', [0, 0], { outside: true })] }],
    );
    expect(resolveTrackFull(allOut, 3)).toBeNull();
  });
});

describe('TrackIndex', () => {
  it('resolves a frame as a scan of every track would', () => {
    fc.assert(
      fc.property(
        fc.array(keyframesArb, { maxLength: 25 }),
        fc.array(fc.integer({ min: -5, max: 320 }), { maxLength: 20 }),
        (all, frames) => {
          const tracks = all.map((shapes, i) => track(`t${i}`, shapes));
          const index = new TrackIndex(tracks);
          for (const frame of frames) {
            const expected = tracks.map((t) => resolveTrackFull(t, frame)).filter((r) => r !== null);
            expect(index.resolveFrame(frame)).toEqual(expected);
          }
        },
      ),
    );
  });

  it('follows edits and deletions', () => {
    const index = new TrackIndex([
      track('a', [kf(0, 'rectangle', [0, 0, 1, 1]), kf(5, 'rectangle', [0, 0, 1, 1], { outside: true })]),
    ]);
    expect(index.tracksAt(3).map((t) => t.id)).toEqual(['a']);
    expect(index.tracksAt(5)).toEqual([]);
    index.set(track('b', [kf(4, 'rectangle', [0, 0, 1, 1])]));
    expect(index.tracksAt(1e6).map((t) => t.id)).toEqual(['b']);
    index.set(track('a', [kf(0, 'rectangle', [0, 0, 1, 1])]));
    expect(index.tracksAt(10).map((t) => t.id)).toEqual(['a', 'b']);
    expect(index.delete('a')).toBe(true);
    expect(index.tracksAt(10).map((t) => t.id)).toEqual(['b']);
  });
});

// ---------------------------------------------------------------------------------------------
// CVAT for video 1.1 exports: keep the keyframes, resolve every exported frame, compare.

interface Row {
  type: ShapeType;
  frame: number;
  keyframe: boolean;
  outside: boolean;
  points: number[];
}
interface XmlTrack {
  label: string;
  rows: Row[];
  elements: Map<string, Row[]>;
}

const TYPES: Record<string, ShapeType> = {
  box: 'rectangle',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  skeleton: 'skeleton',
};

function attrs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

function rowOf(tag: string, a: Record<string, string>, frame: number): Row {
  const type = TYPES[tag]!;
  let points: number[];
  if (tag === 'box') points = [a.xtl, a.ytl, a.xbr, a.ybr].map(Number);
  else if (tag === 'ellipse') {
    const [cx, cy, rx, ry] = [a.cx, a.cy, a.rx, a.ry].map(Number) as [number, number, number, number];
    points = [cx, cy, cx + rx, cy - ry];
  } else if (tag === 'skeleton') points = [];
  else points = (a.points ?? '').split(';').flatMap((p) => p.split(',').map(Number));
  return { type, frame, keyframe: a.keyframe !== '0', outside: a.outside === '1', points };
}

/** A small tag-level reader of `<track>` elements, enough for CVAT's video XML. */
function parseTracks(xml: string): XmlTrack[] {
  const tracks: XmlTrack[] = [];
  const stack: { tag: string; a: Record<string, string> }[] = [];
  let current: XmlTrack | null = null;
  let elementLabel: string | null = null;
  let skeletonFrame = -1;
  for (const m of xml.matchAll(/<(\/?)([\w-]+)([^>]*?)(\/?)>/g)) {
    const [, close, tag, rest, selfClose] = m as unknown as [string, string, string, string, string];
    if (close) {
      const top = stack.pop();
      if (top?.tag === 'track') {
        if (elementLabel !== null) elementLabel = null;
        else current = null;
      }
      continue;
    }
    const a = attrs(rest);
    if (tag === 'track') {
      if (current === null) {
        current = { label: a.label ?? '', rows: [], elements: new Map() };
        tracks.push(current);
      } else elementLabel = a.label ?? '';
    } else if (current !== null && tag in TYPES) {
      const inSkeleton = stack.some((s) => s.tag === 'skeleton');
      const label = inSkeleton ? (a.label ?? '') : elementLabel;
      if (label !== null) {
        const row = rowOf(tag, a, inSkeleton ? skeletonFrame : Number(a.frame));
        const list = current.elements.get(label) ?? [];
        list.push(row);
        current.elements.set(label, list);
      } else {
        const row = rowOf(tag, a, Number(a.frame));
        current.rows.push(row);
        if (tag === 'skeleton') skeletonFrame = row.frame;
      }
    }
    if (!selfClose) stack.push({ tag, a });
  }
  return tracks;
}

function toKeyframes(rows: Row[]): TrackedShape[] {
  return rows.filter((r) => r.keyframe).map((r) => kf(r.frame, r.type, r.points, { outside: r.outside }));
}

function findXml(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findXml(path));
    else if (name === 'annotations.xml') out.push(path);
  }
  return out;
}

const SAMPLES = resolve(import.meta.dirname, '../../../../../shared/assets/cvat_video_1.1');
let sampleFiles: string[] = [];
try {
  sampleFiles = findXml(SAMPLES);
} catch {
  sampleFiles = [];
}

describe.skipIf(sampleFiles.length === 0)('CVAT for video 1.1 samples', () => {
  it.each(sampleFiles.map((f) => [f.slice(SAMPLES.length + 1), f]))(
    'reproduces %s from its keyframes',
    (_, file) => {
      const tracks = parseTracks(readFileSync(file, 'utf8'));
      let compared = 0;
      const check = (rows: Row[]) => {
        const keyframes = toKeyframes(rows);
        for (const row of rows) {
          const state = shapeStateAt(keyframes, row.frame);
          expect(state, `frame ${row.frame}`).not.toBeNull();
          expect(state!.outside).toBe(row.outside);
          expect(state!.points).toHaveLength(row.points.length);
          state!.points.forEach((v, i) => expect(Math.abs(v - row.points[i]!)).toBeLessThanOrEqual(0.01));
          compared++;
        }
      };
      for (const t of tracks) {
        if (t.elements.size === 0) check(t.rows);
        for (const rows of t.elements.values()) check(rows);
      }
      if (tracks.length > 0) expect(compared).toBeGreaterThan(0);
    },
  );
});
