/**
 * The context images panel's layout, as CVAT's: a grid of 1 to 12 cells, each showing one of
 * the frame's related images (chosen per cell), kept per task in localStorage.
 */

export interface ContextLayout {
  id: string;
  rows: number;
  cols: number;
}

/** The grids offered, smallest first; none has more than 12 cells. */
export const LAYOUTS: readonly ContextLayout[] = [
  { id: '1x1', rows: 1, cols: 1 },
  { id: '1x2', rows: 1, cols: 2 },
  { id: '2x1', rows: 2, cols: 1 },
  { id: '1x3', rows: 1, cols: 3 },
  { id: '3x1', rows: 3, cols: 1 },
  { id: '2x2', rows: 2, cols: 2 },
  { id: '2x3', rows: 2, cols: 3 },
  { id: '3x2', rows: 3, cols: 2 },
  { id: '3x3', rows: 3, cols: 3 },
  { id: '3x4', rows: 3, cols: 4 },
  { id: '4x3', rows: 4, cols: 3 },
];

export const MAX_CELLS = 12;

export interface ContextPanelState {
  layout: string;
  /** For each cell, the index of the related image it shows. */
  cells: number[];
}

export function layoutById(id: string): ContextLayout {
  return LAYOUTS.find((l) => l.id === id) ?? LAYOUTS[0]!;
}

export const cellCount = (layout: ContextLayout): number => layout.rows * layout.cols;

/** The smallest square-ish grid that shows every image (up to 12), two columns at most for few. */
export function defaultLayout(imageCount: number): ContextLayout {
  const n = Math.min(Math.max(imageCount, 1), MAX_CELLS);
  if (n === 1) return layoutById('1x1');
  if (n === 2) return layoutById('1x2');
  if (n <= 4) return layoutById('2x2');
  if (n <= 6) return layoutById('2x3');
  if (n <= 9) return layoutById('3x3');
  return layoutById('3x4');
}

/** Cell i shows image i, wrapping when there are fewer images than cells. */
export function defaultCells(count: number, imageCount: number): number[] {
  return Array.from({ length: count }, (_v, i) => (imageCount > 0 ? i % imageCount : 0));
}

/**
 * A state made valid for a layout and a number of images: one entry per cell, each naming an
 * existing image (or the default for that cell).
 */
export function normalizePanel(
  state: Partial<ContextPanelState> | null,
  imageCount: number,
): ContextPanelState {
  const layout =
    state?.layout && LAYOUTS.some((l) => l.id === state.layout)
      ? layoutById(state.layout)
      : defaultLayout(imageCount);
  const count = cellCount(layout);
  const defaults = defaultCells(count, imageCount);
  const cells = defaults.map((fallback, i) => {
    const chosen = state?.cells?.[i];
    return Number.isInteger(chosen) && chosen! >= 0 && chosen! < imageCount ? chosen! : fallback;
  });
  return { layout: layout.id, cells };
}

export function storageKey(taskId: string): string {
  return `loupe:context-images:${taskId}`;
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

/** The saved panel of a task, or null when none is saved (or it cannot be read). */
export function loadPanel(
  storage: StorageLike | undefined,
  taskId: string,
): Partial<ContextPanelState> | null {
  try {
    const raw = storage?.getItem(storageKey(taskId));
    if (!raw) return null;
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const { layout, cells } = value as Record<string, unknown>;
    return {
      ...(typeof layout === 'string' ? { layout } : {}),
      ...(Array.isArray(cells) ? { cells: cells.filter((c): c is number => typeof c === 'number') } : {}),
    };
  } catch {
    return null;
  }
}

export function savePanel(storage: StorageLike | undefined, taskId: string, state: ContextPanelState): void {
  try {
    storage?.setItem(storageKey(taskId), JSON.stringify(state));
  } catch {
    // Not kept when storage is full or unavailable.
  }
}
