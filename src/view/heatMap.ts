// What the canvas heat maps share (the phase diagram, view/phaseMap.ts; the trainable depth, view/trainabilityMap.ts):
// one cell filled with its colour, or grey where it has none (a value that is not finite), with a hatch over it
// where the map marks it; the hatch itself; the legend's colour bar. Drawing only.

import { NON_FINITE_CSS, type Rgb, rgbCss } from './phaseColors';

export interface CellRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Half the spacing of `count` cell centres from min to max (a lone cell gets a tenth of its value, ≥ 0.05). */
export function halfStep(min: number, max: number, count: number): number {
  return count > 1 ? (max - min) / (count - 1) / 2 : Math.max(0.05, Math.abs(min) * 0.1);
}

const hatchPatterns = new WeakMap<CanvasRenderingContext2D, CanvasPattern | null>();

/**
 * Diagonal light lines on transparent: laid over the grey of non-finite cells (or over a marked cell's colour).
 * Made once per context (a map redraws on every hover).
 */
export function hatchPattern(context: CanvasRenderingContext2D): CanvasPattern | null {
  if (!hatchPatterns.has(context)) hatchPatterns.set(context, makeHatchPattern(context));
  return hatchPatterns.get(context) ?? null;
}

function makeHatchPattern(context: CanvasRenderingContext2D): CanvasPattern | null {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const tileContext = tile.getContext('2d');
  if (!tileContext) return null;
  tileContext.strokeStyle = 'rgba(230, 235, 245, 0.75)';
  tileContext.lineWidth = 1.5;
  tileContext.beginPath();
  tileContext.moveTo(0, 8);
  tileContext.lineTo(8, 0);
  tileContext.moveTo(-2, 2);
  tileContext.lineTo(2, -2);
  tileContext.moveTo(6, 10);
  tileContext.lineTo(10, 6);
  tileContext.stroke();
  return context.createPattern(tile, 'repeat');
}

/**
 * One cell: its colour, or NON_FINITE_CSS grey when it has none; hatched when `hatched` (always when grey).
 * Half a pixel wider and taller, so neighbours meet without seams.
 */
export function fillHeatCell(
  context: CanvasRenderingContext2D,
  rect: CellRect,
  color: Rgb | null,
  hatch: CanvasPattern | null,
  hatched = false,
): void {
  context.fillStyle = color ? rgbCss(color) : NON_FINITE_CSS;
  context.fillRect(rect.x, rect.y, rect.width + 0.5, rect.height + 0.5);
  if (hatch && (hatched || !color)) {
    context.fillStyle = hatch;
    context.fillRect(rect.x, rect.y, rect.width + 0.5, rect.height + 0.5);
  }
}

/** A vertical colour bar: `colorAt(t)` from t = 1 at the top to t = 0 at the bottom, outlined. */
export function drawColorBar(
  context: CanvasRenderingContext2D,
  rect: CellRect,
  colorAt: (t: number) => Rgb | null,
  outline: string,
): void {
  for (let k = 0; k < rect.height; k++) {
    const color = colorAt(1 - k / Math.max(1, rect.height - 1));
    if (color) context.fillStyle = rgbCss(color);
    context.fillRect(rect.x, rect.y + k, rect.width, 1.5);
  }
  context.strokeStyle = outline;
  context.strokeRect(rect.x, rect.y, rect.width, rect.height);
}

/**
 * A heat map's canvas, `width` × `height` CSS pixels of drawing (sharp at up to 2× device pixels), with its
 * cells under the pointer reported: `cellAt` maps a point of the drawing to a cell, `onHover` hears each
 * change of the hovered cell (undefined when none), `onPick` a click on one.
 */
export function heatMapCanvas<Cell>(
  host: HTMLElement,
  options: {
    id: string;
    label: string;
    width: number;
    height: number;
    cellAt: (x: number, y: number) => Cell | undefined;
    sameCell: (a: Cell | undefined, b: Cell | undefined) => boolean;
    onHover: (cell: Cell | undefined) => void;
    onPick: (cell: Cell) => void;
  },
): HTMLCanvasElement {
  const { width, height } = options;
  const canvas = document.createElement('canvas');
  canvas.id = options.id;
  canvas.style.cssText = `width:100%;max-width:${width}px;aspect-ratio:${width}/${height};display:block`;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', options.label);
  const ratio = Math.min(2, globalThis.devicePixelRatio || 1);
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  host.append(canvas);
  const cellOf = (event: MouseEvent) => {
    const rect = canvas.getBoundingClientRect();
    return options.cellAt(
      ((event.clientX - rect.left) / rect.width) * width,
      ((event.clientY - rect.top) / rect.height) * height,
    );
  };
  let hovered: Cell | undefined;
  const hover = (cell: Cell | undefined) => {
    if (options.sameCell(cell, hovered)) return;
    hovered = cell;
    options.onHover(cell);
  };
  canvas.addEventListener('mousemove', (event) => hover(cellOf(event)));
  canvas.addEventListener('mouseleave', () => hover(undefined));
  canvas.addEventListener('click', (event) => {
    const cell = cellOf(event);
    if (cell !== undefined) options.onPick(cell);
  });
  return canvas;
}
