/**
 * The user's settings, reactive and kept in localStorage under one versioned key. Components
 * read `settings.current.<section>.<field>` and update through `settings.update`, so every view
 * follows a change at once; other tabs follow through the `storage` event.
 */
import {
  defaultSettings,
  parseStoredSettings,
  serializeSettings,
  SETTINGS_STORAGE_KEY,
  type Settings,
  type SettingsSection,
} from './settingsSchema';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    // Access throws when the browser blocks site data.
    return null;
  }
}

export class SettingsStore {
  current = $state<Settings>(defaultSettings());
  readonly #key: string;

  constructor(key = SETTINGS_STORAGE_KEY) {
    this.#key = key;
    this.current = parseStoredSettings(storage()?.getItem(key) ?? null);
    if (typeof window !== 'undefined') {
      window.addEventListener('storage', (event) => {
        if (event.key === this.#key) this.current = parseStoredSettings(event.newValue);
      });
    }
  }

  update<K extends SettingsSection>(section: K, patch: Partial<Settings[K]>): void {
    this.current[section] = { ...this.current[section], ...patch };
    this.#save();
  }

  /** Replaces the user's shortcut overrides; checking them for conflicts is the caller's job. */
  setShortcuts(overrides: Record<string, string[]>): void {
    this.current.shortcuts = overrides;
    this.#save();
  }

  /** Restores the defaults of one section, or of everything but the shortcuts. */
  reset(section?: SettingsSection): void {
    const defaults = defaultSettings();
    this.current = section
      ? { ...this.current, [section]: defaults[section] }
      : { ...defaults, shortcuts: this.current.shortcuts };
    this.#save();
  }

  #save(): void {
    try {
      storage()?.setItem(this.#key, serializeSettings($state.snapshot(this.current)));
    } catch {
      // A full or blocked storage keeps the change for this session only.
    }
  }
}

export const settings = new SettingsStore();
