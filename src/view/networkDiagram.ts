// One copy's network drawn as in the course (and the TensorFlow playground): a column of nodes per
// layer, 2 inputs → hidden layers → 1 output, an edge per weight W[l]_{i,j} coloured by its sign
// (blue positive, orange negative) with width and opacity growing with |w| relative to the copy's
// largest |w|; an exact zero is a thin grey hairline. Nodes are filled by their bias the same way.
// Canvas 2D, drawing only: the parameters come in, nothing is computed here but positions and colours.

import type { TrainLayout } from '../core/trainLayout';

export const POSITIVE_COLOR = [79, 157, 222] as const;
export const NEGATIVE_COLOR = [255, 159, 67] as const;
const ZERO_COLOR = 'rgba(154, 166, 191, 0.18)';
const BACKGROUND = '#0b0f18';
const LABEL = '#9aa6bf';

function signedColor(value: number, scale: number, minAlpha: number): string {
  if (!Number.isFinite(value)) return 'rgba(239, 93, 93, 0.9)';
  if (value === 0 || scale === 0) return ZERO_COLOR;
  const [r, g, b] = value > 0 ? POSITIVE_COLOR : NEGATIVE_COLOR;
  const strength = Math.min(1, Math.abs(value) / scale);
  return `rgba(${r}, ${g}, ${b}, ${(minAlpha + (1 - minAlpha) * strength).toFixed(3)})`;
}

/** Largest finite |weight| of a copy (biases excluded), the scale of the edges. */
function maxAbsWeight(layout: TrainLayout, copyParams: ArrayLike<number>): number {
  let max = 0;
  for (let l = 1; l <= layout.layerCount; l++) {
    for (let p = layout.weightOffset[l]; p < layout.biasOffset[l]; p++) {
      if (Number.isFinite(copyParams[p])) max = Math.max(max, Math.abs(copyParams[p]));
    }
  }
  return max;
}

/**
 * Draws the network of one copy: `copyParams` are its P parameters in the layout of trainLayout.ts.
 * Returns the largest |w| the edges are scaled by (for a caption).
 */
export function drawNetworkDiagram(
  canvas: HTMLCanvasElement,
  layout: TrainLayout,
  copyParams: ArrayLike<number>,
): number {
  const context = canvas.getContext('2d');
  if (!context) return 0;
  const { width, height } = canvas;
  const { widths, layerCount, weightOffset, biasOffset } = layout;
  context.fillStyle = BACKGROUND;
  context.fillRect(0, 0, width, height);
  const top = 18;
  const bottom = height - 18;
  const left = 28;
  const right = width - 28;
  const tallest = Math.max(...widths);
  const spacing = (bottom - top) / tallest;
  const radius = Math.max(1.5, Math.min(8, spacing * 0.35));
  const x = (l: number) => left + ((right - left) * l) / layerCount;
  const y = (l: number, i: number) => (top + bottom) / 2 + (i - (widths[l] - 1) / 2) * spacing;
  const scale = maxAbsWeight(layout, copyParams);

  // Edges: weakest first so the strong ones stay on top.
  const edges: Array<{ l: number; i: number; j: number; w: number }> = [];
  for (let l = 1; l <= layerCount; l++) {
    for (let i = 0; i < widths[l]; i++) {
      for (let j = 0; j < widths[l - 1]; j++)
        edges.push({ l, i, j, w: copyParams[weightOffset[l] + i * widths[l - 1] + j] });
    }
  }
  edges.sort(
    (a, b) => (Number.isFinite(a.w) ? Math.abs(a.w) : Infinity) - (Number.isFinite(b.w) ? Math.abs(b.w) : Infinity),
  );
  const maxEdgeWidth = Math.max(1, Math.min(4, spacing * 0.4));
  for (const { l, i, j, w } of edges) {
    context.strokeStyle = signedColor(w, scale, 0.15);
    context.lineWidth =
      w === 0 || !Number.isFinite(w) || scale === 0
        ? 0.6
        : 0.4 + (maxEdgeWidth - 0.4) * Math.min(1, Math.abs(w) / scale);
    context.beginPath();
    context.moveTo(x(l - 1), y(l - 1, j));
    context.lineTo(x(l), y(l, i));
    context.stroke();
  }

  // Nodes: inputs grey, the others filled by their bias (same colours, same scale).
  for (let l = 0; l <= layerCount; l++) {
    for (let i = 0; i < widths[l]; i++) {
      context.beginPath();
      context.arc(x(l), y(l, i), radius, 0, 2 * Math.PI);
      context.fillStyle = BACKGROUND;
      context.fill();
      if (l > 0) {
        context.fillStyle = signedColor(copyParams[biasOffset[l] + i], scale, 0.25);
        context.fill();
      }
      context.strokeStyle = '#c9d3e6';
      context.lineWidth = 1;
      context.stroke();
    }
  }

  context.fillStyle = LABEL;
  context.font = '11px system-ui';
  context.textAlign = 'center';
  for (let l = 0; l <= layerCount; l++) {
    const name = l === 0 ? 'x' : l === layerCount ? 'out' : `h${l}`;
    context.fillText(name, Math.min(right - 10, Math.max(left + 10, x(l))), height - 4);
  }
  context.textAlign = 'left';
  return scale;
}

/** The legend line of the diagram. */
export function networkLegend(scale: number): string {
  return (
    'edges: weights W, blue > 0, orange < 0, width and opacity ∝ |w| ' +
    `(largest ${scale > 0 ? Number(scale.toPrecision(3)) : 0}), ` +
    'grey hairline: exactly 0; nodes filled by their bias'
  );
}
