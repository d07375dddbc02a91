// CPU twin of shaders/trainInit.wgsl / src/gpu/trainInit.ts: the initial parameters of K copies.
// Copy k is initialization k of the initialization engine's schemes (initWeight / initBias), with a
// training-specific layer numbering: layer l of the training network draws from stream layer
// TRAIN_LAYER_BASE + l, so its weights never reuse the words of the initialization explorer's.

import { initBias, initWeight, type Scheme, weightFactor } from './schemes';
import type { TrainLayout } from './trainLayout';

export const TRAIN_LAYER_BASE = 0x100;

/** The one number per layer the kernel multiplies its draw by (std, uniform bound, constant or 0). */
export function trainInitFactors(layout: TrainLayout, scheme: Scheme, scale: number): Float64Array {
  const factors = new Float64Array(layout.layerCount + 1);
  for (let l = 1; l <= layout.layerCount; l++)
    factors[l] = weightFactor(scheme, scale, layout.widths[l - 1], layout.widths[l]);
  return factors;
}

/** K·P parameters, copy-major (trainLayout.ts): W[l] by the scheme, b[l] ~ N(0, biasStd²). */
export function trainInit(
  layout: TrainLayout,
  scheme: Scheme,
  scale: number,
  biasStd: number,
  seed: number,
  copies: number,
): Float64Array {
  const P = layout.paramCount;
  const weights = new Float64Array(copies * P);
  for (let k = 0; k < copies; k++) {
    const base = k * P;
    for (let l = 1; l <= layout.layerCount; l++) {
      const nIn = layout.widths[l - 1];
      const nOut = layout.widths[l];
      const layerKey = TRAIN_LAYER_BASE + l;
      for (let i = 0; i < nOut; i++) {
        for (let j = 0; j < nIn; j++) {
          weights[base + layout.weightOffset[l] + i * nIn + j] = initWeight(
            seed,
            scheme,
            scale,
            layerKey,
            k,
            i,
            j,
            nIn,
            nOut,
          );
        }
        weights[base + layout.biasOffset[l] + i] = initBias(seed, biasStd, layerKey, k, i);
      }
    }
  }
  return weights;
}
