/** Renders a lit cube with three.js (loaded on demand) and reads pixels back to prove it drew. */

export const THREE_BACKGROUND = 0x202040;

export interface ThreeCheckResult {
  revision: string;
  renderer: string;
  /** RGBA at the canvas centre (the cube) and at a corner (the background). */
  center: [number, number, number, number];
  corner: [number, number, number, number];
  firstFrameMs: number;
  loadMs: number;
}

export async function renderLitCube(canvas: HTMLCanvasElement): Promise<ThreeCheckResult> {
  const t0 = performance.now();
  const THREE = await import('three');
  const t1 = performance.now();

  const width = canvas.width;
  const height = canvas.height;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true });
  try {
    renderer.setPixelRatio(1);
    renderer.setSize(width, height, false);

    const scene = new THREE.Scene();
    scene.background = new THREE.Color(THREE_BACKGROUND);
    const camera = new THREE.PerspectiveCamera(45, width / height, 0.1, 100);
    camera.position.set(0, 0, 4);

    const cube = new THREE.Mesh(
      new THREE.BoxGeometry(1.4, 1.4, 1.4),
      new THREE.MeshStandardMaterial({ color: 0xff7a1a, roughness: 0.6, metalness: 0.1 }),
    );
    cube.rotation.set(0.5, 0.7, 0);
    scene.add(cube);
    scene.add(new THREE.AmbientLight(0xffffff, 0.6));
    const sun = new THREE.DirectionalLight(0xffffff, 2.2);
    sun.position.set(2, 3, 4);
    scene.add(sun);

    const t2 = performance.now();
    renderer.render(scene, camera);
    const gl = renderer.getContext();
    const read = (x: number, y: number) => {
      const px = new Uint8Array(4);
      gl.readPixels(x, y, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      return [px[0]!, px[1]!, px[2]!, px[3]!] as [number, number, number, number];
    };
    const center = read(Math.floor(width / 2), Math.floor(height / 2));
    const corner = read(2, 2);
    const t3 = performance.now();

    const dbg = gl.getExtension('WEBGL_debug_renderer_info');
    const rendererName = String(
      dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
    );

    cube.geometry.dispose();
    cube.material.dispose();
    return {
      revision: THREE.REVISION,
      renderer: rendererName,
      center,
      corner,
      firstFrameMs: t3 - t2,
      loadMs: t1 - t0,
    };
  } finally {
    // Keeps the drawn frame on the canvas but frees three's GPU resources.
    renderer.dispose();
  }
}
