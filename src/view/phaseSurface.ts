// The phase diagram as a 3D surface (three.js through view/scene3d.ts): PlaneGeometry(2, 2, cellsW − 1, cellsB − 1)
// over the grid, one vertex per cell, height = the value on its scale (0 … 1), colour from view/phaseColors.ts
// (non-finite cells grey, at the floor), the theory's critical line draped on the surface, a frame with σ_w² and
// σ_b² ticks. Drawing only: renders on demand.
//
// Coordinates: x = −1…1 is sw2Min…sw2Max, z = +1…−1 is sb2Min…sb2Max, y = 0…HEIGHT the unit height.

import * as THREE from 'three/webgpu';
import type { CriticalPoint } from '../core/signalPropagation';
import { type PhaseScale, phaseColor } from './phaseColors';
import type { PhaseMapGrid } from './phaseMap';
import { clearGroup, lineSegments, Scene3D } from './scene3d';
import { formatTick, niceTicks } from './surfaceGrid';

const HEIGHT = 0.7;
const FRAME_COLOR = 0x6f7d99;
const GREY: [number, number, number] = [0.35, 0.37, 0.42];

export interface PhaseSurfaceInput {
  grid: PhaseMapGrid;
  values: ArrayLike<number>;
  scale: PhaseScale;
  line: readonly CriticalPoint[];
  heightLabel: string;
}

export class PhaseSurface {
  private readonly group = new THREE.Group();

  private constructor(private readonly view: Scene3D) {
    view.scene.add(this.group);
  }

  static async create(container: HTMLElement, device: GPUDevice | undefined): Promise<PhaseSurface> {
    const view = await Scene3D.create(container, device, {
      ariaLabel: 'phase diagram surface: drag to orbit, wheel to zoom',
      camera: { fov: 40, near: 0.05, far: 50, position: [1.7, 1.9, 2.6], target: [0, 0.15, 0.1] },
      lights: { sky: 0xffffff, ground: 0x445577, hemisphere: 2.4, sun: 1.2, sunPosition: [-2, 4, 3] },
      labelClass: 'landscape-scene-labels',
      labelBound: 1.05,
    });
    return new PhaseSurface(view);
  }

  draw(input: PhaseSurfaceInput): void {
    clearGroup(this.group);
    this.view.clearLabels('surface');
    const { grid, values, scale } = input;
    const W = Math.max(2, grid.cellsW);
    const B = Math.max(2, grid.cellsB);
    const at = (iw: number, ib: number) =>
      values[Math.min(ib, grid.cellsB - 1) * grid.cellsW + Math.min(iw, grid.cellsW - 1)];
    const unit = (value: number) =>
      Number.isFinite(value) && scale.hi > scale.lo
        ? Math.min(1, Math.max(0, (value - scale.lo) / (scale.hi - scale.lo)))
        : 0;
    const geometry = new THREE.PlaneGeometry(2, 2, W - 1, B - 1);
    geometry.rotateX(-Math.PI / 2);
    const positions = geometry.getAttribute('position') as THREE.BufferAttribute;
    const colors = new Float32Array(W * B * 3);
    // Vertex (ix, iy) sits at z = −1 + 2·iy/(B − 1): grid row ib = B − 1 − iy.
    for (let iy = 0; iy < B; iy++) {
      for (let ix = 0; ix < W; ix++) {
        const value = at(ix, B - 1 - iy);
        positions.setY(iy * W + ix, unit(value) * HEIGHT);
        colors.set(phaseColor(scale, value) ?? GREY, (iy * W + ix) * 3);
      }
    }
    geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
    geometry.computeVertexNormals();
    const mesh = new THREE.Mesh(
      geometry,
      new THREE.MeshLambertMaterial({ vertexColors: true, side: THREE.DoubleSide }),
    );
    mesh.name = 'phase surface';
    this.group.add(mesh);

    const x = (sw2: number) => -1 + (2 * (sw2 - grid.sw2Min)) / (grid.sw2Max - grid.sw2Min || 1);
    const z = (sb2: number) => 1 - (2 * (sb2 - grid.sb2Min)) / (grid.sb2Max - grid.sb2Min || 1);
    // The critical line, draped: the height of the nearest cell, lifted a little.
    const line: number[] = [];
    let previous: [number, number, number] | undefined;
    for (const point of input.line) {
      if (!Number.isFinite(point.sw2) || point.sw2 < grid.sw2Min || point.sw2 > grid.sw2Max) {
        previous = undefined;
        continue;
      }
      const iw = Math.round(((point.sw2 - grid.sw2Min) / (grid.sw2Max - grid.sw2Min || 1)) * (grid.cellsW - 1));
      const ib = Math.round(((point.sb2 - grid.sb2Min) / (grid.sb2Max - grid.sb2Min || 1)) * (grid.cellsB - 1));
      const here: [number, number, number] = [x(point.sw2), unit(at(iw, ib)) * HEIGHT + 0.01, z(point.sb2)];
      if (previous) line.push(...previous, ...here);
      previous = here;
    }
    this.group.add(lineSegments(line, 0x111111, 1, 'critical line'));

    const frame: number[] = [];
    const segment = (a: number[], b: number[]) => frame.push(...a, ...b);
    segment([-1, 0, 1], [1, 0, 1]);
    segment([1, 0, 1], [1, 0, -1]);
    segment([1, 0, -1], [-1, 0, -1]);
    segment([-1, 0, -1], [-1, 0, 1]);
    for (const tick of niceTicks(grid.sw2Min, grid.sw2Max, 6)) {
      if (tick < grid.sw2Min || tick > grid.sw2Max) continue;
      segment([x(tick), 0, 1], [x(tick), 0, 1.06]);
      this.view.addLabel(formatTick(tick), x(tick), 0, 1.16, '', 'surface');
    }
    this.view.addLabel('σ_w² →', 0, 0, 1.34, 'axis-title', 'surface');
    for (const tick of niceTicks(grid.sb2Min, grid.sb2Max, 5)) {
      if (tick < grid.sb2Min || tick > grid.sb2Max) continue;
      segment([-1, 0, z(tick)], [-1.06, 0, z(tick)]);
      this.view.addLabel(formatTick(tick), -1.17, 0, z(tick), '', 'surface');
    }
    this.view.addLabel('σ_b² →', -1.42, 0, -0.25, 'axis-title', 'surface');
    this.view.addLabel(input.heightLabel, -1, HEIGHT + 0.12, -1, 'axis-title', 'surface');
    this.group.add(lineSegments(frame, FRAME_COLOR, 1, 'frame'));
    this.view.requestRender();
  }

  snapshot(): HTMLCanvasElement {
    return this.view.snapshot();
  }

  destroy(): void {
    this.view.destroy();
  }
}
