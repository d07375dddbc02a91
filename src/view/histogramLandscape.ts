// The histogram landscape: x = layer, z = value on a common axis, height and colour = density of
// the per-layer histogram (three.js WebGPURenderer on the app's device), drawn as one curtain per
// layer (a 3D ridgeline plot: layers are discrete, nothing is interpolated between them). Each
// layer's histogram is resampled onto the common grid by the caller (view/histogramGrid.ts); mass
// beyond the grid is drawn as red bars in the edge rows, so an exploding run shows its mass fleeing
// to the edges.
// Drawing only: renders on demand (data change, orbit, resize), never in a loop.

import * as THREE from 'three/webgpu';
import { densityColor, OVERFLOW_RGB } from './densityColor';
import { type CommonGrid, densityHeight, LOG_FLOOR, type ResampledHistogram } from './histogramGrid';
import { clearGroup, lineSegments, Scene3D } from './scene3d';

export interface LandscapeInput {
  /** Layer l's histogram at index l − 1, resampled onto `grid`. */
  layers: readonly ResampledHistogram[];
  grid: CommonGrid;
  density: 'log' | 'linear';
  /** Name of the value axis, e.g. "a = tanh(z)". */
  valueLabel: string;
  /** Highlighted layer (1-based), or 0 for none. */
  selectedLayer: number;
}

const X_SPAN = 10; // layers
const Z_SPAN = 8; // values
const HEIGHT = 3.5;
const EDGE_GAP = 0.55; // distance of the edge rows from the grid

function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-2) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** A step of 1, 2 or 5 × 10^k giving at most `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export class HistogramLandscape {
  private readonly content = new THREE.Group();

  private constructor(private readonly view: Scene3D) {
    view.scene.add(this.content);
  }

  /** A landscape drawn into `container` with the app's GPU device, or through WebGL 2 without one (Scene3D). */
  static async create(container: HTMLElement, device: GPUDevice | undefined): Promise<HistogramLandscape> {
    const view = await Scene3D.create(container, device, {
      ariaLabel: 'histogram landscape, drag to orbit, wheel to zoom',
      camera: { fov: 38, near: 0.1, far: 200, position: [-16.5, 7.5, 6], target: [1.2, -0.5, 0.3] },
      lights: { sky: 0xffffff, ground: 0x334466, hemisphere: 2.2, sun: 1.6, sunPosition: [-4, 10, 6] },
      labelClass: 'landscape-labels',
      labelStyle: 'position:absolute;inset:0;pointer-events:none;overflow:hidden',
      labelBound: 1.1,
    });
    return new HistogramLandscape(view);
  }

  update(input: LandscapeInput): void {
    this.clearContent();
    const L = input.layers.length;
    if (L === 0) {
      this.view.requestRender();
      return;
    }
    const { grid, density } = input;
    const xOf = (layer: number): number => (L === 1 ? 0 : ((layer - 1) / (L - 1) - 0.5) * X_SPAN);
    const zOf = (value: number): number => ((value - grid.lo) / (grid.hi - grid.lo) - 0.5) * Z_SPAN;
    let max = 0;
    for (const layer of input.layers) {
      for (const f of layer.fractions) max = Math.max(max, f);
      max = Math.max(max, layer.below, layer.above);
    }
    const heightOf = (fraction: number): number => densityHeight(fraction, density, max);

    // One curtain per layer (a ridgeline plot in 3D): each bin a rectangle standing in the plane
    // x = x(layer), as tall as its density and coloured by it. Layers are discrete, so nothing is
    // interpolated between them.
    const rows = grid.bins;
    const step = Z_SPAN / rows;
    const positions = new Float32Array(L * rows * 6 * 3);
    const colors = new Float32Array(L * rows * 6 * 3);
    let v = 0;
    const vertex = (x: number, y: number, z: number, rgb: readonly number[]): void => {
      positions.set([x, y, z], v);
      colors.set(rgb, v);
      v += 3;
    };
    const ridge: number[] = [];
    const ridgeSelected: number[] = [];
    input.layers.forEach((layer, index) => {
      const x = xOf(index + 1);
      const outline = index + 1 === input.selectedLayer ? ridgeSelected : ridge;
      for (let r = 0; r < rows; r++) {
        const h = heightOf(layer.fractions[r]);
        const top = h * HEIGHT;
        const z0 = -Z_SPAN / 2 + r * step;
        const z1 = z0 + step;
        const rgb = densityColor(h);
        const base = rgb.map((c) => c * 0.55); // darker foot: the curtains read as solid in depth
        vertex(x, 0, z0, base);
        vertex(x, top, z0, rgb);
        vertex(x, top, z1, rgb);
        vertex(x, 0, z0, base);
        vertex(x, top, z1, rgb);
        vertex(x, 0, z1, base);
        outline.push(x, top + 0.005, z0, x, top + 0.005, z1);
        if (r + 1 < rows) outline.push(x, top + 0.005, z1, x, heightOf(layer.fractions[r + 1]) * HEIGHT + 0.005, z1);
      }
    });
    const curtainGeometry = new THREE.BufferGeometry();
    curtainGeometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    curtainGeometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
    const curtains = new THREE.Mesh(
      curtainGeometry,
      new THREE.MeshBasicMaterial({ vertexColors: true, side: THREE.DoubleSide }),
    );
    curtains.name = 'density curtains';
    this.content.add(curtains);
    this.content.add(lineSegments(ridge, 0xe6ebf5, 0.55, 'layer outlines'));
    if (ridgeSelected.length > 0) this.content.add(lineSegments(ridgeSelected, 0xf0b429, 1, 'selected layer'));

    // Edge rows: mass below lo and above hi, as red bars outside the grid.
    const barWidth = Math.min(0.35, (0.5 * X_SPAN) / Math.max(1, L));
    const bars = new THREE.InstancedMesh(
      new THREE.BoxGeometry(1, 1, 1),
      new THREE.MeshLambertMaterial({ color: 0xffffff }),
      2 * L,
    );
    bars.name = 'edge rows';
    const matrix = new THREE.Matrix4();
    const color = new THREE.Color();
    input.layers.forEach((layer, index) => {
      [layer.below, layer.above].forEach((fraction, side) => {
        const h = Math.max(0.004, heightOf(fraction) * HEIGHT);
        const z = side === 0 ? -Z_SPAN / 2 - EDGE_GAP : Z_SPAN / 2 + EDGE_GAP;
        matrix.makeScale(barWidth, h, 0.5).setPosition(xOf(index + 1), h / 2, z);
        bars.setMatrixAt(2 * index + side, matrix);
        const strength = fraction > 0 ? 0.35 + 0.65 * heightOf(fraction) : 0.12;
        bars.setColorAt(
          2 * index + side,
          color.setRGB(OVERFLOW_RGB[0] * strength, OVERFLOW_RGB[1] * strength, OVERFLOW_RGB[2] * strength),
        );
      });
    });
    bars.instanceMatrix.needsUpdate = true;
    if (bars.instanceColor) bars.instanceColor.needsUpdate = true;
    this.content.add(bars);

    this.addAxes(input, xOf, zOf, max);
    this.view.requestRender();
  }

  private addLabel(text: string, x: number, y: number, z: number, className = ''): void {
    const element = this.view.addLabel(text, x, y, z, className);
    element.style.background = 'rgba(11, 15, 24, 0.72)';
    element.style.padding = '0 0.2em';
    element.style.borderRadius = '3px';
    if (className === 'axis-title') element.style.color = '#e6ebf5';
    if (className === 'edge') element.style.color = '#ef8d8d';
  }

  private addAxes(
    input: LandscapeInput,
    xOf: (layer: number) => number,
    zOf: (value: number) => number,
    max: number,
  ): void {
    // Seen from the layer-1 end: values run left to right along the front edge, layers recede
    // along the right edge, the height axis stands at the front-left corner.
    const L = input.layers.length;
    const { grid } = input;
    const x0 = -X_SPAN / 2 - 0.6;
    const x1 = X_SPAN / 2 + 0.6;
    const z0 = -Z_SPAN / 2 - EDGE_GAP - 0.5;
    const z1 = Z_SPAN / 2 + EDGE_GAP + 0.5;
    const axes: number[] = [];
    const segment = (a: number[], b: number[]): void => void axes.push(...a, ...b);
    segment([x0, 0, z0], [x0, 0, z1]);
    segment([x0, 0, z1], [x1, 0, z1]);
    segment([x0, 0, -Z_SPAN / 2], [x1, 0, -Z_SPAN / 2]);
    segment([x0, 0, Z_SPAN / 2], [x1, 0, Z_SPAN / 2]);
    // Value ticks along the front edge.
    const valueStep = niceStep(grid.hi - grid.lo, 6);
    const valueTicks: number[] = [grid.lo, grid.hi];
    for (let t = Math.ceil(grid.lo / valueStep) * valueStep; t < grid.hi; t += valueStep) {
      if (Math.abs(t - grid.lo) > valueStep / 3 && Math.abs(t - grid.hi) > valueStep / 3)
        valueTicks.push(Math.abs(t) < valueStep * 1e-9 ? 0 : t);
    }
    for (const t of valueTicks) {
      segment([x0, 0, zOf(t)], [x0 - 0.25, 0, zOf(t)]);
      this.addLabel(formatTick(t), x0 - 0.75, 0, zOf(t));
    }
    // A second row under the ticks: the edge rows and the axis title.
    this.addLabel(`< ${formatTick(grid.lo)}`, x0 - 1.6, 0, -Z_SPAN / 2 - EDGE_GAP, 'edge');
    this.addLabel(`> ${formatTick(grid.hi)}`, x0 - 1.6, 0, Z_SPAN / 2 + EDGE_GAP, 'edge');
    this.addLabel(`${input.valueLabel} →`, x0 - 1.6, 0, 0, 'axis-title');
    // Layer ticks along the right edge.
    const layerStep = Math.max(1, niceStep(L, 8));
    const layerTicks = new Set<number>([1, L]);
    for (let l = layerStep; l < L; l += layerStep) if (L - l >= layerStep / 2) layerTicks.add(l);
    for (const l of layerTicks) {
      segment([xOf(l), 0, z1], [xOf(l), 0, z1 + 0.25]);
      this.addLabel(String(l), xOf(l), 0, z1 + 0.7);
    }
    this.addLabel('layer l →', 0, 0, z1 + 1.7, 'axis-title');
    // Height axis at the front-left corner.
    segment([x0, 0, z0], [x0, HEIGHT, z0]);
    const floorDecade = Math.log10(LOG_FLOOR);
    const heightTicks =
      input.density === 'log'
        ? Array.from({ length: 1 - floorDecade }, (_, i) => floorDecade + i).map((decade) => ({
            h: 1 - decade / floorDecade,
            text: decade === 0 ? '1' : `1e${decade}`,
          }))
        : [0, 0.5, 1].map((h) => ({ h, text: formatTick(h * max) }));
    for (const { h, text } of heightTicks) {
      segment([x0, h * HEIGHT, z0], [x0, h * HEIGHT, z0 - 0.25]);
      this.addLabel(text, x0, h * HEIGHT, z0 - 0.8);
    }
    this.addLabel(
      input.density === 'log' ? 'fraction per bin (log) ↑' : 'fraction per bin ↑',
      x0,
      HEIGHT + 0.45,
      z0,
      'axis-title',
    );
    this.content.add(lineSegments(axes, 0x6f7d99, 1, 'axes'));
  }

  /** The landscape as drawn now, axis labels included (a PNG export). */
  snapshot(): HTMLCanvasElement {
    return this.view.snapshot();
  }

  private clearContent(): void {
    clearGroup(this.content);
    this.view.clearLabels();
  }

  destroy(): void {
    this.view.destroy();
  }
}
