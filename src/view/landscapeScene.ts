// The 3D loss surface of the Regularization explorer (three.js WebGPURenderer on the app's device):
// PlaneGeometry(2, 2, D − 1, D − 1) over the display grid (the compute grid G, subsampled to D ≤ 256),
// height and colour from a robust height scale (view/surfaceGrid.ts, view/colormap.ts), contour lines,
// the lines w1 = 0 and w2 = 0 draped on the surface, minimizer markers, an animated descent path, and
// HTML axis labels projected from 3D. Clicking the surface reports (w1, w2) to the caller.
// Drawing only: renders on demand (data change, orbit, resize, path animation), never in a loop.
//
// Coordinates: x = −1…1 is w1Min…w1Max, z = +1…−1 is w2Min…w2Max (w2 grows away from the viewer),
// y = 0…HEIGHT is the unit height.

import * as THREE from 'three/webgpu';
import type { GridWindow } from '../core/gridLoss';
import { colormap, colormapCss } from './colormap';
import { clearGroup, lineSegments, Scene3D } from './scene3d';
import {
  contourSegments,
  formatTick,
  type HeightScale,
  niceTicks,
  sampleGrid,
  unitHeights,
  valueAtHeight,
} from './surfaceGrid';
import './landscapeView.css';

export interface SceneSurface {
  /** The D×D display grid (index j·D + i). */
  values: Float32Array;
  D: number;
  window: GridWindow;
  scale: HeightScale;
  /** Name of the height axis, e.g. "J + λ·(|w1| + |w2|)". */
  heightLabel: string;
  /** Iso-levels drawn, evenly spaced in height (default 9). */
  contourLevels?: number;
}

export interface SceneMarker {
  key: string;
  w: [number, number];
  color: string;
  /** A short tag next to the marker; the legend beside the scene says what it means. */
  label: string;
}

export interface ScenePath {
  points: ReadonlyArray<[number, number]>;
  color: string;
}

export interface LandscapeSceneOptions {
  /** A click on the surface (not a drag) at weights (w1, w2). */
  onPick?: (w: [number, number]) => void;
}

const HEIGHT = 0.9;
const FRAME_COLOR = 0x6f7d99;
const PATH_ANIMATION_MS = 1600;
const LIFT = 0.006; // lines float this far above the surface so they are not hidden in it

// ---- grid ↔ world ----

function xOf(window: GridWindow, w1: number): number {
  return -1 + (2 * (w1 - window.w1Min)) / (window.w1Max - window.w1Min);
}

function zOf(window: GridWindow, w2: number): number {
  return 1 - (2 * (w2 - window.w2Min)) / (window.w2Max - window.w2Min);
}

/** Fractional coordinates (i, j) of weights in the D×D display grid over the window. */
function gridCoordinates(window: GridWindow, D: number, w: readonly [number, number]): [number, number] {
  return [
    ((w[0] - window.w1Min) / (window.w1Max - window.w1Min)) * (D - 1),
    ((w[1] - window.w2Min) / (window.w2Max - window.w2Min)) * (D - 1),
  ];
}

function inWindow(window: GridWindow, w: readonly [number, number]): boolean {
  return w[0] >= window.w1Min && w[0] <= window.w1Max && w[1] >= window.w2Min && w[1] <= window.w2Max;
}

export class LandscapeScene {
  private readonly surfaceGroup = new THREE.Group();
  private readonly markerGroup = new THREE.Group();
  private readonly pathGroup = new THREE.Group();
  /** Height = colour, so one colour bar (HTML, top left) labels both, in loss values. */
  private readonly colorBar: HTMLElement;
  private readonly raycaster = new THREE.Raycaster();
  private surfaceMesh: THREE.Mesh | undefined;
  private surface: SceneSurface | undefined;
  private heights: Float32Array | undefined;
  private markers: SceneMarker[] = [];
  private path: ScenePath | null = null;
  private pathLine: THREE.Line | undefined;
  private pathHead: THREE.Mesh | undefined;
  private pathPositions: Float32Array | undefined;
  private pathStart = 0;
  private pointerDown: { x: number; y: number } | undefined;

  private constructor(
    private readonly view: Scene3D,
    container: HTMLElement,
    private readonly options: LandscapeSceneOptions,
  ) {
    this.colorBar = document.createElement('div');
    this.colorBar.className = 'landscape-color-bar';
    container.append(this.colorBar);
    view.scene.add(this.surfaceGroup, this.markerGroup, this.pathGroup);
    view.onFrame = () => this.stepPathAnimation();
    view.renderer.domElement.addEventListener('pointerdown', this.onPointerDown);
    view.renderer.domElement.addEventListener('pointerup', this.onPointerUp);
  }

  /** A scene drawn into `container` on the app's GPU device, or through WebGL 2 without one (Scene3D). */
  static async create(
    container: HTMLElement,
    device: GPUDevice | undefined,
    options: LandscapeSceneOptions = {},
  ): Promise<LandscapeScene> {
    const view = await Scene3D.create(container, device, {
      ariaLabel: 'loss surface: drag to orbit, wheel to zoom, click to start the descent',
      camera: { fov: 40, near: 0.05, far: 50, position: [1.75, 1.75, 2.7], target: [0, 0.18, 0.22] },
      lights: { sky: 0xffffff, ground: 0x445577, hemisphere: 2.4, sun: 1.4, sunPosition: [-2, 4, 3] },
      labelClass: 'landscape-scene-labels',
      labelBound: 1.05,
    });
    return new LandscapeScene(view, container, options);
  }

  // ---- content ----

  setSurface(surface: SceneSurface): void {
    this.surface = surface;
    clearGroup(this.surfaceGroup);
    this.view.clearLabels('surface');

    const { values, D, scale, window } = surface;
    const heights = unitHeights(values, scale);
    this.heights = heights;
    const geometry = new THREE.PlaneGeometry(2, 2, D - 1, D - 1);
    geometry.rotateX(-Math.PI / 2); // the plane's +y becomes −z
    const positions = geometry.getAttribute('position') as THREE.BufferAttribute;
    const colors = new Float32Array(D * D * 3);
    // PlaneGeometry's vertex (ix, iy) sits at z = −1 + 2·iy/(D − 1): grid row j = D − 1 − iy.
    for (let iy = 0; iy < D; iy++) {
      const j = D - 1 - iy;
      for (let ix = 0; ix < D; ix++) {
        const vertex = iy * D + ix;
        const h = heights[j * D + ix];
        positions.setY(vertex, h * HEIGHT);
        const [r, g, b] = colormap(h);
        colors.set([r, g, b], vertex * 3);
      }
    }
    geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
    geometry.computeVertexNormals();
    const mesh = new THREE.Mesh(
      geometry,
      new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide }),
    );
    mesh.name = 'loss surface';
    this.surfaceMesh = mesh;
    this.surfaceGroup.add(mesh);

    // Contours at evenly spaced heights (log heights give log-spaced values).
    const levelCount = surface.contourLevels ?? 9;
    const levels = Array.from({ length: levelCount }, (_, k) => (k + 1) / (levelCount + 1));
    const segments = contourSegments(heights, D, levels);
    const contour: number[] = [];
    const toWorld = (i: number, j: number): [number, number, number] => [
      -1 + (2 * i) / (D - 1),
      sampleGrid(heights, D, i, j) * HEIGHT + LIFT,
      1 - (2 * j) / (D - 1),
    ];
    for (let k = 0; k < segments.length; k += 4) {
      contour.push(...toWorld(segments[k], segments[k + 1]), ...toWorld(segments[k + 2], segments[k + 3]));
    }
    this.surfaceGroup.add(lineSegments(contour, 0xffffff, 0.45, 'contours'));

    // The coordinate axes w1 = 0 and w2 = 0, draped over the surface: where L1 minimizers land.
    const axisLines: number[] = [];
    if (window.w1Min < 0 && window.w1Max > 0) {
      const i = gridCoordinates(window, D, [0, window.w2Min])[0];
      for (let j = 0; j + 1 < D; j++) axisLines.push(...toWorld(i, j), ...toWorld(i, j + 1));
      const [x, y, z] = toWorld(i, D - 1);
      this.view.addLabel('w1 = 0', x, y + 0.06, z - 0.04, 'axis-zero', 'surface');
    }
    if (window.w2Min < 0 && window.w2Max > 0) {
      const j = gridCoordinates(window, D, [window.w1Min, 0])[1];
      for (let i = 0; i + 1 < D; i++) axisLines.push(...toWorld(i, j), ...toWorld(i + 1, j));
      const [x, y, z] = toWorld(D - 1, j);
      this.view.addLabel('w2 = 0', x + 0.1, y + 0.04, z, 'axis-zero', 'surface');
    }
    this.surfaceGroup.add(lineSegments(axisLines, 0xe6ebf5, 0.9, 'zero axes'));
    this.addFrame(surface);
    this.drawColorBar(surface);
    this.placeMarkers();
    this.placePath(false);
    this.view.requestRender();
  }

  setMarkers(markers: SceneMarker[]): void {
    this.markers = markers;
    this.placeMarkers();
    this.view.requestRender();
  }

  /** Draws the path (clipped to the window) and animates it from the start, or removes it (null). */
  setPath(path: ScenePath | null): void {
    this.path = path;
    this.placePath(true);
  }

  private addFrame(surface: SceneSurface): void {
    const { window } = surface;
    const frame: number[] = [];
    const segment = (a: number[], b: number[]) => frame.push(...a, ...b);
    segment([-1, 0, 1], [1, 0, 1]);
    segment([1, 0, 1], [1, 0, -1]);
    segment([1, 0, -1], [-1, 0, -1]);
    segment([-1, 0, -1], [-1, 0, 1]);
    // w1 ticks along the front edge, w2 ticks along the left edge.
    for (const w1 of niceTicks(window.w1Min, window.w1Max, 6)) {
      const x = xOf(window, w1);
      segment([x, 0, 1], [x, 0, 1.06]);
      this.view.addLabel(formatTick(w1), x, 0, 1.16, '', 'surface');
    }
    this.view.addLabel('w1 →', 0, 0, 1.34, 'axis-title', 'surface');
    for (const w2 of niceTicks(window.w2Min, window.w2Max, 6)) {
      const z = zOf(window, w2);
      segment([-1, 0, z], [-1.06, 0, z]);
      this.view.addLabel(formatTick(w2), -1.17, 0, z, '', 'surface');
    }
    this.view.addLabel('w2 →', -1.42, 0, -0.25, 'axis-title', 'surface');
    this.surfaceGroup.add(lineSegments(frame, FRAME_COLOR, 1, 'frame'));
  }

  private drawColorBar(surface: SceneSurface): void {
    const { scale } = surface;
    const stops = Array.from({ length: 11 }, (_, k) => `${colormapCss(1 - k / 10)} ${k * 10}%`).join(', ');
    const title = document.createElement('div');
    title.className = 'color-bar-title';
    title.textContent = `${surface.heightLabel}${scale.log ? ' (log scale)' : ''}`;
    const body = document.createElement('div');
    body.className = 'color-bar-body';
    const bar = document.createElement('div');
    bar.className = 'color-bar-gradient';
    bar.style.background = `linear-gradient(to bottom, ${stops})`;
    const ticks = document.createElement('div');
    ticks.className = 'color-bar-ticks';
    for (const h of [1, 0.75, 0.5, 0.25, 0]) {
      const tick = document.createElement('span');
      tick.style.top = `${(1 - h) * 100}%`;
      const value = valueAtHeight(scale, h);
      tick.textContent = h === 1 && scale.clipped > 0 ? `≥ ${formatTick(value)}` : formatTick(value);
      ticks.append(tick);
    }
    body.append(bar, ticks);
    const note = document.createElement('div');
    note.className = 'color-bar-note';
    note.textContent =
      scale.nonFinite > 0
        ? `${scale.nonFinite} cells overflow: drawn at the top`
        : scale.clipped > 0
          ? `top 2% clipped`
          : '';
    this.colorBar.replaceChildren(title, body, note);
  }

  private placeMarkers(): void {
    clearGroup(this.markerGroup);
    this.view.clearLabels('marker');
    if (!this.surface || !this.heights) return;
    const sphere = new THREE.SphereGeometry(0.032, 20, 12);
    const heights = this.heights;
    const { window, D } = this.surface;
    this.markers.forEach((marker, index) => {
      if (!inWindow(window, marker.w)) return;
      // On the drawn mesh (bilinear in the display grid), not at the exact value: with log heights the
      // true minimum lies in a funnel the mesh cannot resolve, and the marker would hide under it.
      const [i, j] = gridCoordinates(window, D, marker.w);
      const y = sampleGrid(heights, D, i, j) * HEIGHT;
      const mesh = new THREE.Mesh(sphere.clone(), new THREE.MeshBasicMaterial({ color: marker.color }));
      mesh.position.set(xOf(window, marker.w[0]), y + 0.02, zOf(window, marker.w[1]));
      mesh.name = `marker ${marker.key}`;
      this.markerGroup.add(mesh);
      // A stalk down to the floor shows where the minimizer sits in (w1, w2).
      this.markerGroup.add(
        lineSegments(
          [mesh.position.x, 0, mesh.position.z, mesh.position.x, y, mesh.position.z],
          new THREE.Color(marker.color).getHex(),
          0.7,
          `stalk ${marker.key}`,
        ),
      );
      // Stacked tags, so nearby minimizers do not write over each other.
      const tag = this.view.addLabel(
        marker.label,
        mesh.position.x,
        y + 0.1 + 0.075 * index,
        mesh.position.z,
        'marker-label',
        'marker',
      );
      tag.style.color = marker.color;
    });
    sphere.dispose();
  }

  private placePath(animate: boolean): void {
    clearGroup(this.pathGroup);
    this.pathLine = undefined;
    this.pathHead = undefined;
    if (!this.surface || !this.heights || !this.path || this.path.points.length === 0) {
      this.view.requestRender();
      return;
    }
    const { window, D } = this.surface;
    const heights = this.heights;
    const positions = new Float32Array(this.path.points.length * 3);
    this.path.points.forEach((point, index) => {
      // Outside the window the path is pinned to the border (the status line says it left).
      const w1 = Math.min(window.w1Max, Math.max(window.w1Min, point[0]));
      const w2 = Math.min(window.w2Max, Math.max(window.w2Min, point[1]));
      const [i, j] = gridCoordinates(window, D, [w1, w2]);
      positions.set([xOf(window, w1), sampleGrid(heights, D, i, j) * HEIGHT + 2 * LIFT, zOf(window, w2)], index * 3);
    });
    this.pathPositions = positions;
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
    const line = new THREE.Line(geometry, new THREE.LineBasicMaterial({ color: this.path.color }));
    line.name = 'descent path';
    this.pathLine = line;
    const head = new THREE.Mesh(
      new THREE.SphereGeometry(0.022, 12, 8),
      new THREE.MeshBasicMaterial({ color: this.path.color }),
    );
    head.name = 'descent head';
    this.pathHead = head;
    const start = new THREE.Mesh(
      new THREE.SphereGeometry(0.02, 12, 8),
      new THREE.MeshBasicMaterial({ color: 0xffffff }),
    );
    start.position.set(positions[0], positions[1], positions[2]);
    start.name = 'descent start';
    this.pathGroup.add(line, head, start);
    this.pathStart = animate ? performance.now() : -Infinity;
    this.view.requestRender();
  }

  /** Advances the path animation; true while it still runs. */
  private stepPathAnimation(): boolean {
    if (!this.pathLine || !this.pathHead || !this.pathPositions) return false;
    const count = this.pathPositions.length / 3;
    const progress = Math.min(1, (performance.now() - this.pathStart) / PATH_ANIMATION_MS);
    const shown = Math.max(1, Math.ceil(progress * count));
    this.pathLine.geometry.setDrawRange(0, shown);
    const head = (shown - 1) * 3;
    this.pathHead.position.set(this.pathPositions[head], this.pathPositions[head + 1], this.pathPositions[head + 2]);
    return progress < 1;
  }

  /** The surface as drawn now, with its axis labels and colour bar, on a 2D canvas (a PNG export). */
  snapshot(): HTMLCanvasElement {
    const canvas = this.view.snapshot();
    const context = canvas.getContext('2d');
    const host = this.view.renderer.domElement.getBoundingClientRect();
    if (!context || host.width === 0) return canvas;
    const scale = canvas.width / host.width;
    context.setTransform(scale, 0, 0, scale, 0, 0);
    const box = (node: Element) => {
      const rect = node.getBoundingClientRect();
      return { x: rect.left - host.left, y: rect.top - host.top, width: rect.width, height: rect.height };
    };
    const bar = this.colorBar.querySelector('.color-bar-gradient');
    if (bar) {
      const { x, y, width, height } = box(bar);
      const gradient = context.createLinearGradient(0, y, 0, y + height);
      for (let k = 0; k <= 10; k++) gradient.addColorStop(k / 10, colormapCss(1 - k / 10));
      context.fillStyle = gradient;
      context.fillRect(x, y, width, height);
    }
    context.textAlign = 'left';
    context.textBaseline = 'middle';
    for (const node of this.colorBar.querySelectorAll('.color-bar-title, .color-bar-ticks span, .color-bar-note')) {
      const style = getComputedStyle(node);
      const { x, y, height } = box(node);
      context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
      context.fillStyle = style.color;
      context.fillText(node.textContent ?? '', x, y + height / 2);
    }
    return canvas;
  }

  // ---- picking ----

  private readonly onPointerDown = (event: PointerEvent): void => {
    this.pointerDown = { x: event.clientX, y: event.clientY };
  };

  private readonly onPointerUp = (event: PointerEvent): void => {
    const down = this.pointerDown;
    this.pointerDown = undefined;
    if (!down || Math.hypot(event.clientX - down.x, event.clientY - down.y) > 4) return; // a drag orbits
    const w = this.pick(event.clientX, event.clientY);
    if (w) this.options.onPick?.(w);
  };

  /** Weights under a screen point, or undefined when the ray misses the surface. */
  pick(clientX: number, clientY: number): [number, number] | undefined {
    if (!this.surfaceMesh || !this.surface) return undefined;
    const rect = this.view.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, this.view.camera);
    const hit = this.raycaster.intersectObject(this.surfaceMesh, false)[0];
    if (!hit) return undefined;
    const { window } = this.surface;
    const w1 = window.w1Min + ((hit.point.x + 1) / 2) * (window.w1Max - window.w1Min);
    const w2 = window.w2Min + ((1 - hit.point.z) / 2) * (window.w2Max - window.w2Min);
    return [w1, w2];
  }

  destroy(): void {
    this.view.renderer.domElement.removeEventListener('pointerdown', this.onPointerDown);
    this.view.renderer.domElement.removeEventListener('pointerup', this.onPointerUp);
    this.view.destroy();
    this.colorBar.remove();
  }
}
