import { describe, expect, it } from 'vitest';
import { canvasStyleFromSettings } from './canvasStyle';
import { DEFAULT_SETTINGS } from './settingsSchema';

describe('canvas style from settings', () => {
  it("turns CVAT's defaults into an unfiltered, label-coloured canvas", () => {
    expect(canvasStyleFromSettings(DEFAULT_SETTINGS)).toMatchObject({
      fillOpacity: 0.2,
      selectedFillOpacity: 0.3,
      colorBy: 'label',
      grid: false,
      brightness: 1,
      contrast: 1,
      saturation: 1,
      showTags: true,
    });
  });

  it('follows appearance and image changes', () => {
    const style = canvasStyleFromSettings({
      ...DEFAULT_SETTINGS,
      player: { ...DEFAULT_SETTINGS.player, brightness: 150, grid: true, gridColor: 'red', gridOpacity: 50 },
      shapes: { ...DEFAULT_SETTINGS.shapes, colorBy: 'instance', outlined: true, outlineColor: '#123456' },
      workspace: { ...DEFAULT_SETTINGS.workspace, textContent: ['label'] },
    });
    expect(style).toMatchObject({
      brightness: 1.5,
      grid: true,
      gridColor: '#ff0000',
      gridOpacity: 0.5,
      colorBy: 'instance',
      outlined: true,
      outlineColor: '#123456',
      textShowId: false,
      textShowAttributes: false,
    });
  });
});
