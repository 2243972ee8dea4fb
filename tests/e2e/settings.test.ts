/**
 * Annotation settings as a user changes them: a player and a workspace setting survive a
 * reload, a shortcut is remapped by pressing the new key, a conflicting key is refused, and
 * "Reset to defaults" brings CVAT's defaults back.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/appServer';
import { launchBrowser, newContext } from '../helpers/browser';

let server: TestServer;
let browser: Browser;
let page: Page;

const row = (action: string) => page.locator(`[data-testid="shortcut-row"][data-action="${action}"]`);

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  ({ page } = await newContext(browser));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('annotation settings', () => {
  it("start from CVAT's defaults", async () => {
    await page.goto(`${server.url}/settings`);
    await page.getByTestId('player-settings').waitFor();
    expect(await page.getByTestId('setting-frameStep').inputValue()).toBe('10');
    await page.getByTestId('settings-tab-workspace').click();
    expect(await page.getByTestId('setting-controlPointsSize').inputValue()).toBe('5');
    expect(await page.getByTestId('setting-automaticBordering').isChecked()).toBe(false);
  });

  it('keep a changed setting across a reload', async () => {
    await page.getByTestId('setting-automaticBordering').check();
    await page.getByTestId('settings-tab-player').click();
    await page.getByTestId('setting-frameStep').fill('25');
    await page.getByTestId('setting-frameStep').press('Tab');
    await page.reload();
    await page.getByTestId('player-settings').waitFor();
    expect(await page.getByTestId('setting-frameStep').inputValue()).toBe('25');
    await page.getByTestId('settings-tab-workspace').click();
    expect(await page.getByTestId('setting-automaticBordering').isChecked()).toBe(true);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe.settings') ?? '{}'));
    expect(stored.version).toBe(1);
    expect(stored.settings.player.frameStep).toBe(25);
  });

  it('clamp a number into its range', async () => {
    await page.getByTestId('setting-controlPointsSize').fill('50');
    await page.getByTestId('setting-controlPointsSize').press('Tab');
    expect(await page.getByTestId('setting-controlPointsSize').inputValue()).toBe('8');
  });

  it('remap a shortcut by pressing the new key, and keep it', async () => {
    await page.getByTestId('settings-tab-shortcuts').click();
    await row('next-frame').getByTestId('shortcut-change').click();
    await row('next-frame').getByTestId('shortcut-capturing').waitFor();
    await page.keyboard.press('x');
    // A single key is kept once no second key follows it.
    await expect.poll(() => row('next-frame').getByTestId('shortcut-keys').textContent()).toContain('X');
    await page.reload();
    await page.getByTestId('settings-tab-shortcuts').click();
    expect(await row('next-frame').getByTestId('shortcut-keys').textContent()).toContain('X');
    expect(await row('next-frame').getByTestId('shortcut-keys').textContent()).not.toContain('F');
  });

  it('refuse a key another action uses, and say which', async () => {
    await row('undo').getByTestId('shortcut-change').click();
    await page.keyboard.press('d');
    const alert = page.getByTestId('shortcut-conflict');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Previous frame');
    expect(await row('undo').getByTestId('shortcut-keys').textContent()).toContain('Ctrl+Z');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe.settings') ?? '{}'));
    expect(stored.settings.shortcuts).toEqual({ 'next-frame': ['x'] });
  });

  it('accept a modified key and reset a shortcut', async () => {
    await row('undo').getByTestId('shortcut-change').click();
    await page.keyboard.press('Control+u');
    await expect.poll(() => row('undo').getByTestId('shortcut-keys').textContent()).toContain('Ctrl+U');
    await row('undo').getByTestId('shortcut-reset').click();
    expect(await row('undo').getByTestId('shortcut-keys').textContent()).toContain('Ctrl+Z');
  });

  it('record a two-key sequence', async () => {
    await row('fit').getByTestId('shortcut-change').click();
    await page.keyboard.press('y');
    await page.keyboard.press('i');
    await expect.poll(() => row('fit').getByTestId('shortcut-keys').textContent()).toMatch(/Y.*I/);
    await row('fit').getByTestId('shortcut-reset').click();
  });

  it('reset the player and workspace settings to the defaults, keeping shortcuts', async () => {
    await page.getByTestId('settings-tab-player').click();
    await page.getByTestId('settings-reset').click();
    expect(await page.getByTestId('setting-frameStep').inputValue()).toBe('10');
    await page.reload();
    await page.getByTestId('player-settings').waitFor();
    expect(await page.getByTestId('setting-frameStep').inputValue()).toBe('10');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('loupe.settings') ?? '{}'));
    expect(stored.settings.shortcuts).toEqual({ 'next-frame': ['x'] });
  });
});
