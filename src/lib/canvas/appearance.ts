import type { Id, LabelSpec, Shape } from '../core/types';

export type ColorBy = 'label' | 'instance' | 'group';

/** CVAT's colour of objects in no group. */
export const UNGROUPED_COLOR = '#353535';

/** A colour that only depends on `key`: the same object keeps its colour across sessions. */
export function stableColor(key: string): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  const hue = (h >>> 0) % 360;
  const light = 50 + ((h >>> 9) % 3) * 8;
  return `hsl(${hue}, 85%, ${light}%)`;
}

/** The per-object colour an app may attach (CVAT's `color` of an object state). */
function ownColor(shape: Shape): string | null {
  const c = (shape as { color?: unknown }).color;
  return typeof c === 'string' && c !== '' ? c : null;
}

/** The function that colours each shape under a colour-by setting. */
export function colorResolver(
  labels: readonly LabelSpec[],
  by: ColorBy,
  fallback: string,
): (shape: Shape) => string {
  const byLabel = new Map<Id, string>();
  for (const l of labels) {
    byLabel.set(l.id, l.color);
    for (const s of l.sublabels) byLabel.set(s.id, s.color);
  }
  switch (by) {
    case 'label':
      return (s) => byLabel.get(s.label_id) ?? fallback;
    case 'instance':
      return (s) => ownColor(s) ?? stableColor(s.id);
    case 'group':
      return (s) => (s.group ? stableColor(`group:${s.group}`) : UNGROUPED_COLOR);
  }
}

/** The text drawn beside an object: label name, then optionally id and attribute values. */
export function objectText(
  shape: Shape,
  label: LabelSpec | undefined,
  content: { id: boolean; attributes: boolean },
): string[] {
  const lines = [label?.name ?? '?'];
  if (content.id) lines[0] = `${lines[0]} ${shape.id.slice(-6)}`;
  if (content.attributes && label) {
    for (const a of shape.attributes) {
      const spec = label.attributes.find((s) => s.id === a.spec_id);
      if (spec) lines.push(`${spec.name}: ${a.value}`);
    }
  }
  return lines;
}
