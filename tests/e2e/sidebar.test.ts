/**
 * The objects sidebar in a real browser, mounted alone with 10,000 objects: it renders only the
 * rows in view, opens, scrolls and follows a selection made elsewhere within 100 ms, sorts, counts
 * per label, and reports edits through its callbacks.
 */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { compile, compileModule } from 'svelte/compiler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newContext } from '../helpers/browser';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Compiles .svelte files for esbuild (TypeScript in <script lang="ts"> is stripped by Svelte). */
const sveltePlugin: Plugin = {
  name: 'svelte',
  setup(b) {
    b.onLoad({ filter: /\.svelte$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const { js } = compile(source, { filename: args.path, generate: 'client', css: 'injected' });
      return { contents: js.code, loader: 'js', resolveDir: resolve(args.path, '..') };
    });
  },
};

/** Mounts the sidebar with `window.sidebar` to drive it and `window.calls` to observe it. */
const ENTRY = `
import { mount } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import ObjectsSidebar from '$lib/ui/sidebar/ObjectsSidebar.svelte';

const attrs = [
  { id: 'a-sel', name: 'colour', input_type: 'select', mutable: false, values: ['red', 'blue'], default_value: 'red' },
  { id: 'a-rad', name: 'pose', input_type: 'radio', mutable: true, values: ['up', 'down'], default_value: 'up' },
  { id: 'a-chk', name: 'parked', input_type: 'checkbox', mutable: true, values: ['false'], default_value: 'false' },
  { id: 'a-txt', name: 'plate', input_type: 'text', mutable: false, values: [], default_value: '' },
  { id: 'a-num', name: 'doors', input_type: 'number', mutable: false, values: ['2', '5', '1'], default_value: '4' },
];
const labels = [
  { id: 'L1', name: 'car', color: '#ff0000', type: 'any', attributes: attrs, sublabels: [], svg: '' },
  { id: 'L2', name: 'person', color: '#00ff00', type: 'any', attributes: [], sublabels: [], svg: '' },
];
function make(n) {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'shape', type: 'rectangle', id: 'O' + String(i).padStart(6, '0'), frame: 0,
    label_id: i % 4 === 0 ? 'L2' : 'L1', occluded: false, outside: false, z_order: 0, rotation: 0,
    group: 0, source: 'manual', attributes: [], points: [0, 0, 10, 10],
    updated_date: new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 10000) * 1000).toISOString(), author: 't',
  }));
}
const calls = [];
window.calls = calls;
// The job page hands the sidebar immutable snapshots, so they are not deeply reactive here either.
let objects = $state.raw([]);
let selected = $state(null);
const hidden = new SvelteSet();
const locked = new SvelteSet();
const pinned = new SvelteSet();
window.sidebar = {
  load(n) {
    const list = make(n);
    const t = performance.now();
    objects = list;
    return t;
  },
  select(id) { selected = id; },
};
mount(ObjectsSidebar, {
  target: document.getElementById('app'),
  props: {
    get objects() { return objects; },
    labels,
    get selected() { return selected; },
    hidden, locked, pinned,
    onselect: (id) => { calls.push(['select', id]); selected = id; },
    onchange: (id, patch, label) => {
      calls.push(['change', id, patch, label]);
      objects = objects.map((o) => (o.id === id ? { ...o, ...patch } : o));
    },
    ondelete: (id) => calls.push(['delete', id]),
    ontogglehidden: (ids, h) => { calls.push(['hidden', ids.length, h]); for (const id of ids) h ? hidden.add(id) : hidden.delete(id); },
    ontogglelocked: (ids, l) => { calls.push(['locked', ids.length, l]); for (const id of ids) l ? locked.add(id) : locked.delete(id); },
    ontogglepinned: (id) => calls.push(['pinned', id]),
    onmenu: (action, id) => calls.push(['menu', action, id]),
  },
});
document.body.dataset.ready = '1';
`;

let server: Server;
let url: string;
let browser: Browser;
let page: Page;

/** The entry uses $state, so it goes through Svelte's module compiler before bundling. */
const entryPlugin: Plugin = {
  name: 'sidebar-entry',
  setup(b) {
    b.onResolve({ filter: /^sidebar-entry$/ }, () => ({ path: 'sidebar-entry', namespace: 'entry' }));
    b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
      contents: compileModule(ENTRY, { filename: 'sidebar-entry.svelte.js', generate: 'client' }).js.code,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: ['sidebar-entry'],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
    alias: { $lib: join(ROOT, 'src', 'lib') },
    conditions: ['svelte', 'browser'],
    plugins: [entryPlugin, sveltePlugin],
  });
  return result.outputFiles[0]?.text ?? '';
}

beforeAll(async () => {
  const script = await bundle();
  const html = `<!doctype html><html><head><style>
    :root { --line: #ccc; --panel: #fff; --panel-2: #fff; --accent: #36f; --muted: #888; --text: #000; }
    #app { width: 300px; height: 600px; display: flex; flex-direction: column; }
  </style></head><body><div id="app"></div><script type="module" src="/entry.js"></script></body></html>`;
  server = createServer((req, res) => {
    if (req.url === '/entry.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
  ({ page } = await newContext(browser));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]');
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  if (server) await new Promise((done) => server.close(done));
});

const rows = () => page.getByTestId('object-row');
const calls = () => page.evaluate(() => (window as unknown as { calls: unknown[][] }).calls.splice(0));

/** Milliseconds from `start` (page time) to the next two animation frames, i.e. painted. */
async function paintedSince(start: number): Promise<number> {
  return page.evaluate(
    (t0) =>
      new Promise<number>((done) =>
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))),
      ),
    start,
  );
}

describe('objects sidebar with 10,000 objects', () => {
  it('opens within 100 ms, rendering only the rows in view', async () => {
    const start = await page.evaluate(() =>
      (window as unknown as { sidebar: { load(n: number): number } }).sidebar.load(10_000),
    );
    const ms = await paintedSince(start);
    expect(ms).toBeLessThan(100);
    expect(await rows().count()).toBeGreaterThan(10);
    expect(await rows().count()).toBeLessThan(60);
    expect(await page.getByTestId('objects-tab').textContent()).toContain('10000');
  });

  it('scrolls within 100 ms, showing the rows at the new position', async () => {
    const start = await page.evaluate(() => {
      const t = performance.now();
      const viewport = document.querySelector('[data-testid="objects-viewport"]') as HTMLElement;
      viewport.scrollTop = 32 * 5000;
      viewport.dispatchEvent(new Event('scroll'));
      return t;
    });
    expect(await paintedSince(start)).toBeLessThan(100);
    const ids = await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toContain('O005000');
  });

  it('scrolls a selection made on the canvas into view within 100 ms', async () => {
    const start = await page.evaluate(() => {
      const t = performance.now();
      (window as unknown as { sidebar: { select(id: string): void } }).sidebar.select('O009990');
      return t;
    });
    expect(await paintedSince(start)).toBeLessThan(100);
    const row = page.locator('[data-testid="object-row"][data-id="O009990"]');
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await row.isVisible()).toBe(true);
  });

  it('selects a row on click, and the next one with the arrow key', async () => {
    await page.locator('[data-testid="object-row"][data-id="O009985"] .type').click();
    await page.keyboard.press('ArrowDown');
    expect(await calls()).toEqual([
      ['select', 'O009985'],
      ['select', 'O009986'],
    ]);
  });

  it('sorts by ID descending, updated time and label', async () => {
    await page.getByTestId('objects-viewport').evaluate((e) => (e.scrollTop = 0));
    await page.getByTestId('sort-select').selectOption('id-desc');
    expect(await rows().first().getAttribute('data-id')).toBe('O009999');
    await page.getByTestId('sort-select').selectOption('label');
    expect(await rows().first().locator('select').inputValue()).toBe('L1');
    await page.getByTestId('sort-select').selectOption('id-asc');
    expect(await rows().first().getAttribute('data-id')).toBe('O000000');
  });

  it('changes the label, occluded flag and colour of a row', async () => {
    const first = rows().first();
    await first.getByTestId('object-label').selectOption('L1');
    await first.getByTestId('toggle-occluded').click();
    await first.getByTestId('object-color').evaluate((input: HTMLInputElement) => {
      input.value = '#123456';
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const log = (await calls()).filter((c) => c[0] === 'change');
    expect(log).toEqual([
      [
        'change',
        'O000000',
        {
          label_id: 'L1',
          attributes: [
            { spec_id: 'a-sel', value: 'red' },
            { spec_id: 'a-rad', value: 'up' },
            { spec_id: 'a-chk', value: 'false' },
            { spec_id: 'a-txt', value: '' },
            { spec_id: 'a-num', value: '4' },
          ],
        },
        'Change label',
      ],
      ['change', 'O000000', { occluded: true }, 'Change occluded'],
      ['change', 'O000000', { color: '#123456' }, 'Change color'],
    ]);
  });

  it('edits attributes of every input type', async () => {
    const row = page.locator('[data-testid="object-row"][data-id="O000001"]');
    await row.getByTestId('toggle-details').click();
    const editor = (name: string) => row.locator(`[data-testid="attribute-editor"][data-name="${name}"]`);
    await editor('colour').locator('select').selectOption('blue');
    await editor('pose').getByLabel('down').check();
    await editor('parked').locator('input').check();
    await editor('plate').locator('input').fill('AB-123');
    await editor('plate').locator('input').press('Enter');
    await editor('doors').locator('input').fill('9');
    await editor('doors').locator('input').press('Tab');
    expect(await editor('doors').locator('input').inputValue()).toBe('5');
    const values = (await calls())
      .filter((c) => c[0] === 'change')
      .map((c) => (c[2] as { attributes: { spec_id: string; value: string }[] }).attributes.at(-1));
    expect(values).toEqual([
      { spec_id: 'a-sel', value: 'blue' },
      { spec_id: 'a-rad', value: 'down' },
      { spec_id: 'a-chk', value: 'true' },
      { spec_id: 'a-txt', value: 'AB-123' },
      { spec_id: 'a-num', value: '5' },
    ]);
    // The expanded row pushes the next one down instead of overlapping it.
    const box = await row.boundingBox();
    const next = await page.locator('[data-testid="object-row"][data-id="O000002"]').boundingBox();
    expect(next && box && next.y >= box.y + box.height - 1).toBe(true);
  });

  it('hides and locks all, one row, or one label', async () => {
    await page.getByTestId('hide-all').click();
    await page.getByTestId('lock-all').click();
    await page.getByTestId('lock-all').click();
    await rows().nth(2).getByTestId('toggle-pinned').click();
    await page.getByTestId('labels-tab').click();
    const person = page.locator('[data-testid="label-row"][data-id="L2"]');
    const count = Number(await person.getByTestId('label-count').textContent());
    expect(count).toBe(2499);
    await person.getByTestId('label-toggle-hidden').click();
    expect((await calls()).filter((c) => c[0] !== 'select')).toEqual([
      ['hidden', 10_000, true],
      ['locked', 10_000, true],
      ['locked', 10_000, false],
      ['pinned', 'O000002'],
      ['hidden', 2499, false],
    ]);
    await page.getByTestId('objects-tab').click();
  });

  it('runs actions from the ⋮ menu', async () => {
    await rows().first().getByTestId('object-menu-button').click();
    await page.getByTestId('menu-to-front').click();
    await rows().first().getByTestId('object-menu-button').click();
    await page.getByTestId('menu-delete').click();
    expect((await calls()).filter((c) => c[0] !== 'select')).toEqual([
      ['menu', 'to-front', 'O000000'],
      ['delete', 'O000000'],
    ]);
  });
});
