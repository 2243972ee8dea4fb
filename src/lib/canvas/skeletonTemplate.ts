import type { Id, LabelSpec, SkeletonElement } from '../core/types';
import type { Box } from './geometry';

/** One keypoint of a skeleton label, placed in the template's unit box (0–1 on each axis). */
export interface TemplatePoint {
  /** The sublabel the point stands for. */
  labelId: Id;
  name: string;
  x: number;
  y: number;
}

export interface SkeletonTemplate {
  points: TemplatePoint[];
  /** Edges as pairs of sublabel ids. */
  edges: [Id, Id][];
}

const TAG = /<(circle|line)\b([^>]*)>/gi;
const ATTR = /([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

function attributesOf(source: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of source.matchAll(ATTR)) out.set((m[1] ?? '').toLowerCase(), m[3] ?? m[4] ?? '');
  return out;
}

/**
 * Reads CVAT's skeleton SVG: `<circle data-node-id data-label-id data-label-name cx cy>` per
 * keypoint and `<line data-node-from data-node-to>` per edge (node ids, not label ids). Circles
 * are matched to sublabels by label id, then by name, then by order.
 */
export function parseSkeletonSvg(svg: string, sublabels: LabelSpec['sublabels']): SkeletonTemplate {
  const nodes: { nodeId: string; labelId: string; name: string; x: number; y: number }[] = [];
  const lines: { from: string; to: string }[] = [];
  for (const m of svg.matchAll(TAG)) {
    const attrs = attributesOf(m[2] ?? '');
    if ((m[1] ?? '').toLowerCase() === 'circle') {
      const x = Number(attrs.get('cx'));
      const y = Number(attrs.get('cy'));
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      nodes.push({
        nodeId: attrs.get('data-node-id') ?? attrs.get('data-element-id') ?? String(nodes.length + 1),
        labelId: attrs.get('data-label-id') ?? '',
        name: attrs.get('data-label-name') ?? '',
        x,
        y,
      });
    } else {
      const from = attrs.get('data-node-from');
      const to = attrs.get('data-node-to');
      if (from !== undefined && to !== undefined) lines.push({ from, to });
    }
  }

  const unused = new Set(sublabels.map((s) => s.id));
  const byNode = new Map<string, Id>();
  const placed: { labelId: Id; name: string; x: number; y: number }[] = [];
  const take = (id: Id): Id => {
    unused.delete(id);
    return id;
  };
  nodes.forEach((node, i) => {
    const match =
      sublabels.find((s) => unused.has(s.id) && s.id === node.labelId) ??
      sublabels.find((s) => unused.has(s.id) && node.name !== '' && s.name === node.name) ??
      (sublabels[i] && unused.has(sublabels[i].id) ? sublabels[i] : undefined);
    if (!match) return;
    byNode.set(node.nodeId, take(match.id));
    placed.push({ labelId: match.id, name: match.name, x: node.x, y: node.y });
  });

  // Normalise to the unit box the way CVAT places a template into the drawn box.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of placed) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  const unit = (v: number, lo: number, hi: number): number => (hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const points = placed.map((p) => ({ ...p, x: unit(p.x, minX, maxX), y: unit(p.y, minY, maxY) }));

  const edges: [Id, Id][] = [];
  for (const l of lines) {
    const a = byNode.get(l.from);
    const b = byNode.get(l.to);
    if (a !== undefined && b !== undefined && a !== b) edges.push([a, b]);
  }
  return { points, edges };
}

export function templateOfLabel(label: LabelSpec): SkeletonTemplate {
  return parseSkeletonSvg(label.svg, label.sublabels);
}

/** The elements of a skeleton drawn into `box`: each template point scaled into it. */
export function placeTemplate(template: SkeletonTemplate, box: Box): SkeletonElement[] {
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  return template.points.map((p) => ({
    label_id: p.labelId,
    type: 'points',
    points: [box.minX + p.x * w, box.minY + p.y * h],
    occluded: false,
    outside: false,
    attributes: [],
  }));
}
