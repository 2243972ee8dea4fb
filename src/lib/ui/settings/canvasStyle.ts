/** How the player, workspace and shape settings map onto the canvas engine's style. */
import type { CanvasStyle } from '$lib/canvas';
import type { Settings } from './settingsSchema';

const GRID_CSS: Record<Settings['player']['gridColor'], string> = {
  white: '#ffffff',
  black: '#000000',
  red: '#ff0000',
  green: '#00ff00',
  blue: '#0000ff',
};

export function canvasStyleFromSettings(s: Settings): Partial<CanvasStyle> {
  const { player, workspace, shapes } = s;
  return {
    fillOpacity: shapes.opacity / 100,
    selectedFillOpacity: shapes.selectedOpacity / 100,
    outlined: shapes.outlined,
    outlineColor: shapes.outlineColor,
    colorBy: shapes.colorBy,
    showText: workspace.showObjectsTextAlways,
    textFontSize: workspace.textFontSize,
    textShowId: workspace.textContent.includes('id'),
    textShowAttributes: workspace.textContent.includes('attributes'),
    showTags: workspace.showTagsOnFrame,
    handleSize: workspace.controlPointsSize * 2,
    grid: player.grid,
    gridSize: player.gridSize,
    gridColor: GRID_CSS[player.gridColor],
    gridOpacity: player.gridOpacity / 100,
    brightness: player.brightness / 100,
    contrast: player.contrast / 100,
    saturation: player.saturation / 100,
  };
}
