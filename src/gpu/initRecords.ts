// What a chunk of the initialization engine reads back, and how it becomes the accumulators the CPU
// twin fills (src/core/stats.ts): one StatsRecord and one histogram (shaders/layerStats.wgsl) per
// layer, quantity, init and slice, and one dWNorm partial per layer, init and workgroup; combined here
// in f64, undoing the moment scales.
import layerStatsSource from '../../shaders/layerStats.wgsl?raw';
import type { InitConfig } from '../core/initConfig';
import { momentScale, type TheoryLayer } from '../core/meanField';
import type { LayerAccumulators, Quantity } from '../core/stats';
import { recordLayout } from './wgslLayout';

export const QUANTITIES: readonly Quantity[] = ['z', 'a', 'delta'];

/** The record layerStats writes per workgroup (before its `bins` histogram counts, in their own buffer). */
export const statsRecordLayout = () => recordLayout(layerStatsSource, 'StatsRecord');

/** Powers of two per layer (index l − 1) and quantity: the GPU sums s·v with s = 1/scale (see layerStats). */
export type MomentScales = Record<Quantity, number>[];

export function momentScales(theory: readonly TheoryLayer[]): MomentScales {
  return theory.map((layer) => ({
    z: momentScale(layer.zMeanSquare),
    a: momentScale(layer.aMeanSquare),
    delta: momentScale(layer.deltaMeanSquare),
  }));
}

/** The scale of a[l] (a[0] = x is not scaled). */
export function activationScale(scales: MomentScales, l: number): number {
  return l === 0 ? 1 : scales[l - 1].a;
}

/** Where the records of a chunk go: for each layer l (1..L) and quantity (z, a, δ), inits × slices[l] records. */
export interface RecordPlan {
  /** Index of the first record of (l, quantity), l = 1..L (index 0 unused). */
  offsets: Record<Quantity, number>[];
  records: number;
}

export function planRecords(slices: readonly number[], depth: number, inits: number): RecordPlan {
  const offsets: Record<Quantity, number>[] = [];
  let records = 0;
  for (let l = 1; l <= depth; l++) {
    const perQuantity = inits * slices[l];
    offsets[l] = { z: records, a: records + perQuantity, delta: records + 2 * perQuantity };
    records += 3 * perQuantity;
  }
  return { offsets, records };
}

/** The records and histograms of one chunk, as read back. */
export interface ChunkRecords {
  plan: RecordPlan;
  slices: readonly number[];
  records: ArrayBuffer;
  histograms: ArrayBuffer;
  firstInit: number;
  inits: number;
}

/** Adds the layerStats records of one chunk into the f64 accumulators, undoing the moment scales. */
export function combineRecords(
  config: InitConfig,
  layers: LayerAccumulators[],
  chunk: ChunkRecords,
  scales: MomentScales,
): void {
  const layout = statsRecordLayout();
  const words = new Uint32Array(chunk.records);
  const floats = new Float32Array(chunk.records);
  const histograms = new Uint32Array(chunk.histograms);
  const [count, nan, posInf, negInf, underflow, overflow, sum, sumSquares, symmetry] = [
    'count',
    'nan',
    'posInf',
    'negInf',
    'underflow',
    'overflow',
    'sum',
    'sumSquares',
    'symmetry',
  ].map((field) => layout.wordOf(field));
  const { bins } = config;
  for (let l = 1; l <= config.depth; l++) {
    const layer = layers[l - 1];
    for (const quantity of QUANTITIES) {
      const acc = layer[quantity];
      const scale = scales[l - 1][quantity];
      for (let kc = 0; kc < chunk.inits; kc++) {
        const k = chunk.firstInit + kc;
        for (let slice = 0; slice < chunk.slices[l]; slice++) {
          const record = chunk.plan.offsets[l][quantity] + kc * chunk.slices[l] + slice;
          const at = record * layout.words;
          const values = words[at + count];
          const valueSum = floats[at + sum] * scale;
          const valueSquares = floats[at + sumSquares] * scale * scale;
          acc.count += values;
          acc.nan += words[at + nan];
          acc.posInf += words[at + posInf];
          acc.negInf += words[at + negInf];
          acc.underflow += words[at + underflow];
          acc.overflow += words[at + overflow];
          acc.sum += valueSum;
          acc.sumSquares += valueSquares;
          acc.initCount[k] += values;
          acc.initSum[k] += valueSum;
          acc.initSumSquares[k] += valueSquares;
          if (quantity !== 'a') layer.symmetry = Math.max(layer.symmetry, floats[at + symmetry]);
          for (let bin = 0; bin < bins; bin++) acc.histogram[bin] += histograms[record * bins + bin];
        }
      }
    }
  }
}

/** The dWNorm partials of one chunk: groupsPerInit per layer and init, layer-major. */
export interface ChunkNorms {
  partials: Float32Array;
  groupsPerInit: number;
  firstInit: number;
  inits: number;
}

/** ‖∂L/∂W[l]‖² per init from the partials: Σ of the groups, the scales undone, / B² (the loss is a batch mean). */
export function combineNorms(
  config: InitConfig,
  layers: LayerAccumulators[],
  chunk: ChunkNorms,
  scales: MomentScales,
): void {
  const B = config.batch;
  const { partials, groupsPerInit, firstInit, inits } = chunk;
  for (let l = 1; l <= config.depth; l++) {
    const undo = (scales[l - 1].delta * activationScale(scales, l - 1)) ** 2 / (B * B);
    for (let kc = 0; kc < inits; kc++) {
      let total = 0;
      for (let group = 0; group < groupsPerInit; group++)
        total += partials[((l - 1) * inits + kc) * groupsPerInit + group];
      layers[l - 1].dWNormSquared[firstInit + kc] = total * undo;
    }
  }
}
