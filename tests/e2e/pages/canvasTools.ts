/** A bare canvas engine on an 800x600 image at scale 1 (screen = image pixels), recording its events. */
import { createCanvasEngine, parseSkeletonSvg, type CanvasEvents, type ToolSpec } from '$lib/canvas';
import type { FrameObject, LabelSpec } from '$lib/core/types';

export interface Recorded {
  event: keyof CanvasEvents;
  payload: unknown;
}

const host = document.createElement('div');
host.style.cssText = 'position:fixed;left:0;top:0;width:800px;height:600px;';
document.body.style.margin = '0';
document.body.appendChild(host);

const image = new OffscreenCanvas(800, 600);
const ictx = image.getContext('2d')!;
ictx.fillStyle = '#345';
ictx.fillRect(0, 0, 800, 600);

const engine = createCanvasEngine(host, { fitMargin: 0, devicePixelRatio: 1 });
engine.setImage(image.transferToImageBitmap(), { fit: true });

const events: Recorded[] = [];
for (const name of ['drawn', 'redrawn', 'edited', 'select', 'contextmenu'] as const) {
  engine.on(name, (payload) => events.push({ event: name, payload }));
}

const SVG =
  '<line data-type="edge" data-node-from="1" data-node-to="2"></line>' +
  '<circle data-type="element node" data-node-id="1" data-label-name="head" cx="10" cy="10"></circle>' +
  '<circle data-type="element node" data-node-id="2" data-label-name="foot" cx="30" cy="50"></circle>';

const labels: LabelSpec[] = [
  { id: 'L', name: 'thing', color: '#ff6037', type: 'any', attributes: [], sublabels: [], svg: '' },
  {
    id: 'S',
    name: 'body',
    color: '#33ddff',
    type: 'skeleton',
    attributes: [],
    sublabels: [
      { id: 'head', name: 'head', color: '#f00', type: 'points', attributes: [] },
      { id: 'foot', name: 'foot', color: '#0f0', type: 'points', attributes: [] },
    ],
    svg: SVG,
  },
];

const api = {
  events,
  clear(): void {
    events.length = 0;
  },
  setTool(spec: ToolSpec | { kind: 'skeleton-template' }): void {
    if (spec.kind === 'skeleton-template') {
      const label = labels[1]!;
      engine.setTool({ kind: 'skeleton', template: parseSkeletonSvg(label.svg, label.sublabels) });
    } else engine.setTool(spec);
  },
  setObjects(objects: FrameObject[]): void {
    engine.setObjects(objects, labels);
  },
  select(id: string | null): void {
    engine.setSelected(id);
  },
  setAutoborder(on: boolean): void {
    engine.setAutoborder(on);
  },
  flush(): void {
    engine.flush({ sharp: true });
  },
};

(window as unknown as { canvasTest: typeof api }).canvasTest = api;
