import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  parseStoredSettings,
  serializeSettings,
  SETTINGS_VERSION,
  type Settings,
} from './settingsSchema';

function stored(settings: unknown, version = SETTINGS_VERSION): string {
  return JSON.stringify({ version, settings });
}

describe('stored settings', () => {
  it("start from CVAT's defaults", () => {
    const s = parseStoredSettings(null);
    expect(s).toEqual(DEFAULT_SETTINGS);
    expect(s.player.frameStep).toBe(10);
    expect(s.player.brightness).toBe(100);
    expect(s.workspace.autoSave).toBe(false);
    expect(s.workspace.autoSaveInterval).toBe(15);
    expect(s.workspace.automaticBordering).toBe(false);
    expect(s.workspace.controlPointsSize).toBe(5);
    expect(s.workspace.defaultApproxPolyAccuracy).toBe(9);
    expect(s.shapes.colorBy).toBe('label');
    expect(s.shapes.opacity).toBe(20);
    expect(s.shapes.selectedOpacity).toBe(30);
  });

  it('round-trip through serializeSettings', () => {
    const s: Settings = structuredClone(DEFAULT_SETTINGS);
    s.player.frameStep = 25;
    s.workspace.textContent = ['id', 'label'];
    s.shapes.outlined = true;
    s.shortcuts = { 'next-frame': ['ArrowRight'] };
    expect(parseStoredSettings(serializeSettings(s))).toEqual(s);
  });

  it('fill fields a previous version did not store with defaults', () => {
    const s = parseStoredSettings(stored({ player: { frameStep: 5 } }));
    expect(s.player.frameStep).toBe(5);
    expect(s.player.smoothImage).toBe(true);
    expect(s.workspace).toEqual(DEFAULT_SETTINGS.workspace);
    expect(s.shortcuts).toEqual({});
  });

  it('replace only the invalid fields with their defaults', () => {
    const s = parseStoredSettings(
      stored({
        player: { frameStep: 0, frameSpeed: 'warp', canvasBackgroundColor: 'red', brightness: 150 },
        workspace: { controlPointsSize: 12.5, textPosition: 'center', textContent: ['label', 'bogus'] },
        shapes: 'not an object',
      }),
    );
    expect(s.player.frameStep).toBe(10);
    expect(s.player.frameSpeed).toBe('usual');
    expect(s.player.canvasBackgroundColor).toBe('#ffffff');
    expect(s.player.brightness).toBe(150);
    expect(s.workspace.controlPointsSize).toBe(5);
    expect(s.workspace.textPosition).toBe('center');
    expect(s.workspace.textContent).toEqual(['label']);
    expect(s.shapes).toEqual(DEFAULT_SETTINGS.shapes);
  });

  it('drop unknown fields and malformed shortcut overrides', () => {
    const s = parseStoredSettings(
      stored({ player: { sparkle: true }, shortcuts: { undo: ['Ctrl+u'], redo: 'Ctrl+r', fit: [1] } }),
    );
    expect(s.player).not.toHaveProperty('sparkle');
    expect(s.shortcuts).toEqual({ undo: ['Ctrl+u'] });
  });

  it('fall back to the defaults for corrupt JSON, an unversioned value or a newer version', () => {
    expect(parseStoredSettings('{not json')).toEqual(DEFAULT_SETTINGS);
    expect(parseStoredSettings(JSON.stringify({ player: { frameStep: 5 } }))).toEqual(DEFAULT_SETTINGS);
    expect(parseStoredSettings(stored({ player: { frameStep: 5 } }, SETTINGS_VERSION + 1))).toEqual(
      DEFAULT_SETTINGS,
    );
  });

  it('never share arrays with the defaults', () => {
    const s = parseStoredSettings(null);
    s.workspace.textContent.pop();
    expect(DEFAULT_SETTINGS.workspace.textContent).toHaveLength(6);
  });
});
