// The 3D surface of the phase diagram, on request (the "3D surface" knob): the scene starts the first time it is
// shown (three.js on the app's device, or WebGL 2 without one) and draws the same values and scale as the map.

import type { PhaseCell } from '../core/phase';
import type { PhaseConfig } from '../core/phaseConfig';
import type { CriticalPoint } from '../core/signalPropagation';
import { PhaseSurface } from '../view/phaseSurface';
import { backendDevice, type ComputeBackend } from './explorer';
import { element, errorMessage, type Panel } from './kit/dom';
import { addExports } from './kit/exports';
import type { ExplorerFrame } from './kit/frame';
import { mapScale, mapValue } from './phasePanels';
import type { PhaseQuantity, PhaseSource } from './phaseState';

export class PhaseSurfacePanel {
  private readonly viewport = element('div', { class: 'viewport', id: 'phase-surface-viewport' });
  private scene: PhaseSurface | undefined;
  private starting: Promise<PhaseSurface | undefined> | undefined;
  private destroyed = false;

  constructor(
    private readonly panel: Panel,
    private readonly backend: ComputeBackend,
    frame: ExplorerFrame,
  ) {
    panel.body.append(
      this.viewport,
      element('p', { class: 'caption' }, 'The map as a surface: height and colour are the same value. Drag to orbit.'),
    );
    addExports(panel, { name: 'phase-surface', png: () => this.scene?.snapshot() }, (message) =>
      frame.status.show(message),
    );
  }

  show(
    visible: boolean,
    config: PhaseConfig,
    cells: readonly PhaseCell[],
    line: readonly CriticalPoint[],
    map: PhaseQuantity,
    source: PhaseSource,
  ): void {
    this.panel.root.hidden = !visible;
    if (!visible) return;
    this.starting ??= PhaseSurface.create(this.viewport, backendDevice(this.backend)).then(
      (scene) => {
        if (this.destroyed) {
          scene.destroy();
          return undefined;
        }
        this.scene = scene;
        return scene;
      },
      (error) => {
        this.viewport.textContent = `The 3D view could not start: ${errorMessage(error)}`;
        return undefined;
      },
    );
    void this.starting.then((scene) => {
      if (!scene) return;
      const values = cells.map((cell) => mapValue(cell, map, source));
      scene.draw({
        grid: config,
        values,
        scale: mapScale(values, map),
        line,
        heightLabel: map === 'chi1' ? `log χ₁ (${source})` : `c^L (${source})`,
      });
      this.panel.root.dataset.drawn = 'true';
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.scene?.destroy();
  }
}
