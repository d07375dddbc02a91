// The trainability measurement (issue 14, "trainable depth") and its CPU twin (f64); the GPU engine
// (src/gpu/trainabilityEngine.ts) trains the same groups with the training kernels and fills the same
// per-copy metrics, which summarizeTrainability turns into the result.
//
// Cell (column, row) of the grid has σ_w² = cellSw2(column) and depth = depths[row] hidden layers of width n,
// and trains K copies of the training engine's network (src/core/trainStep.ts: 2 inputs, the hidden layers,
// one logit, sigmoid cross-entropy, full-batch gradient descent with step α, no penalty) from
//   W[l] ~ N(0, σ_w²/n[l−1]), b[l] ~ N(0, σ_b²)       (every layer, the read-out too)
// drawn as trainInit's xavier-normal draws of scale 1 times σ_w: copy k of every cell of a depth draws the
// same numbers (common random numbers, InitCells in src/core/trainInit.ts), and the first layers of two
// depths agree too. Data: trainingData(dataset, 2N points, no noise, test share ½, seed): N training points.
// After T steps a copy
//   diverged  when a parameter or a mean loss is not finite (trainMetrics: all its metrics NaN),
//   learned   when it did not diverge and its training accuracy is ≥ target.
// Per cell: the share that learned, the share that diverged, and the final training loss's p10/median/p90
// over the copies that did not diverge (null when none). Theory per σ_w²: ξ_c = −1/ln χ_c (depthScale in
// src/core/signalPropagation.ts) and 6 ξ_c, the depth up to which Schoenholz et al. (2017) found networks
// trainable.
//
// Groups: the copies of one depth, cut into runs of whole σ_w² columns whose weight and scratch buffers fit
// MAX_BUFFER_FLOATS (maxCopiesFor): what the GPU allocates and dispatches one by one; the twin trains the
// same groups.

import { depthScale } from './signalPropagation';
import { cellSw2, type TrainabilityConfig } from './trainabilityConfig';
import { type InitCells, trainInit } from './trainInit';
import { type TrainingData, trainingData } from './trainingData';
import { abortError } from './trainingEngine';
import { maxCopiesFor, type TrainLayout, trainLayout } from './trainLayout';
import { METRICS_PER_COPY, Metric, trainMetrics } from './trainMetrics';
import { band } from './trainStats';
import { type TrainRule, trainStep } from './trainStep';

export interface TrainabilityGroup {
  /** Index of the depth in config.depths (the row). */
  row: number;
  depth: number;
  layout: TrainLayout;
  /** The group's σ_w² columns: firstColumn … firstColumn + columns − 1. */
  firstColumn: number;
  columns: number;
  /** columns × K. */
  copies: number;
  /** The init's cells: K copies per column, scaled by σ_w. */
  cells: InitCells;
}

/** The groups of a grid, row by row, each within the buffers' limit. */
export function trainabilityGroups(config: TrainabilityConfig): TrainabilityGroup[] {
  const groups: TrainabilityGroup[] = [];
  config.depths.forEach((depth, row) => {
    const layout = trainLayout(new Array<number>(depth).fill(config.width));
    const columnsPerGroup = Math.max(1, Math.floor(maxCopiesFor(layout) / config.copies));
    for (let firstColumn = 0; firstColumn < config.sw2Cells; firstColumn += columnsPerGroup) {
      const columns = Math.min(columnsPerGroup, config.sw2Cells - firstColumn);
      const scales = Array.from({ length: columns }, (_, c) => Math.sqrt(cellSw2(config, firstColumn + c)));
      groups.push({
        row,
        depth,
        layout,
        firstColumn,
        columns,
        copies: columns * config.copies,
        cells: { copies: config.copies, scales },
      });
    }
  });
  return groups;
}

/** N training points and N test points of the data set, noise-free. */
export function trainabilityData(config: TrainabilityConfig): TrainingData {
  return trainingData(config.dataset, 2 * config.points, 0, 0.5, config.seed);
}

/** Plain gradient descent with step α (no penalty). */
export function trainabilityRule(config: TrainabilityConfig): TrainRule {
  return { penalty: 'none', l1Update: 'proximal', lambda: 0, alpha: config.alpha };
}

/** The initial parameters of a group (copy-major, the group's K·P): xavier-normal of scale 1 times σ_w. */
export function trainabilityInit(config: TrainabilityConfig, group: TrainabilityGroup): Float64Array {
  return trainInit(group.layout, 'xavier-normal', 1, Math.sqrt(config.sb2), config.seed, group.copies, group.cells);
}

export interface LossBand {
  p10: number | null;
  median: number | null;
  p90: number | null;
}

export interface TrainabilityCell {
  sw2: number;
  depth: number;
  /** K: copies trained. */
  copies: number;
  /** Share of the copies that learned (finite, training accuracy ≥ target). */
  learned: number;
  /** Share of the copies whose parameters or losses stopped being finite. */
  diverged: number;
  /** Final mean training loss over the finite copies. */
  finalLoss: LossBand;
  /** Median final training accuracy over the finite copies (null when none). */
  medianAccuracy: number | null;
}

export interface DepthScalePoint {
  sw2: number;
  /** ξ_c = −1/ln χ_c: Infinity at criticality, negative where χ_c > 1 (JSON writes both as null). */
  xi: number;
  /** 6 ξ_c: the trainable depth of the theory. */
  sixXi: number;
}

export interface TrainabilityResult {
  config: TrainabilityConfig;
  /** Row-major: cell (column, row) at row · sw2Cells + column (depth rows, σ_w² columns). */
  cells: TrainabilityCell[];
  depthScale: DepthScalePoint[];
}

/** ξ_c and 6 ξ_c at every σ_w² of the grid. */
export function trainabilityTheory(config: TrainabilityConfig): DepthScalePoint[] {
  return Array.from({ length: config.sw2Cells }, (_, column) => {
    const sw2 = cellSw2(config, column);
    const xi = depthScale(config.activation, sw2, config.sb2);
    return { sw2, xi, sixXi: 6 * xi };
  });
}

/** The cells from the metrics of every group (METRICS_PER_COPY per copy, trainMetrics's order). */
export function summarizeTrainability(
  config: TrainabilityConfig,
  groups: readonly TrainabilityGroup[],
  groupMetrics: readonly ArrayLike<number>[],
): TrainabilityResult {
  const cells: TrainabilityCell[] = new Array(config.depths.length * config.sw2Cells);
  const K = config.copies;
  groups.forEach((group, g) => {
    const metrics = groupMetrics[g];
    if (metrics.length !== group.copies * METRICS_PER_COPY)
      throw new RangeError(`group ${g}: ${metrics.length} metrics, expected ${group.copies * METRICS_PER_COPY}`);
    for (let c = 0; c < group.columns; c++) {
      const losses: number[] = [];
      const accuracies: number[] = [];
      let learned = 0;
      let diverged = 0;
      for (let k = 0; k < K; k++) {
        const at = (c * K + k) * METRICS_PER_COPY;
        const loss = metrics[at + Metric.trainLoss];
        const accuracy = metrics[at + Metric.trainAccuracy];
        if (!Number.isFinite(loss) || !Number.isFinite(accuracy)) {
          diverged++;
          continue;
        }
        losses.push(loss);
        accuracies.push(accuracy);
        if (accuracy >= config.target) learned++;
      }
      const lossBand = band(losses);
      const column = group.firstColumn + c;
      cells[group.row * config.sw2Cells + column] = {
        sw2: cellSw2(config, column),
        depth: group.depth,
        copies: K,
        learned: learned / K,
        diverged: diverged / K,
        finalLoss: { p10: lossBand.p10, median: lossBand.p50, p90: lossBand.p90 },
        medianAccuracy: band(accuracies).p50,
      };
    }
  });
  return { config, cells, depthScale: trainabilityTheory(config) };
}

export interface TrainabilityRunOptions {
  signal?: AbortSignal;
  /** Steps every copy has taken, of T. */
  onProgress?: (done: number, total: number) => void;
}

/** Lets the event loop run (an abort, a progress line) about every this many milliseconds of work. */
const YIELD_MS = 50;

/** What a run of the grid leaves per group (the GPU's f32, the twin's f64): metrics and parameters. */
export interface TrainabilityCopies<Values extends ArrayLike<number> = ArrayLike<number>> {
  groups: TrainabilityGroup[];
  /** Per group: METRICS_PER_COPY per copy (trainMetrics's order) after T steps. */
  metrics: Values[];
  /** Per group: its K·P parameters after T steps (copy-major). */
  params: Values[];
}

/** The CPU twin of every copy: each group trained step after step in f64, then its metrics. */
export async function trainabilityCopiesCpu(
  config: TrainabilityConfig,
  signal?: AbortSignal,
  onProgress?: TrainabilityRunOptions['onProgress'],
): Promise<TrainabilityCopies<Float64Array>> {
  const groups = trainabilityGroups(config);
  const data = trainabilityData(config);
  const rule = trainabilityRule(config);
  const params = groups.map((group) => trainabilityInit(config, group));
  let lastYield = performance.now();
  onProgress?.(0, config.steps);
  for (let step = 0; step < config.steps; step++) {
    for (let g = 0; g < groups.length; g++) {
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (signal?.aborted) throw abortError();
      trainStep(groups[g].layout, config.activation, rule, data, params[g], groups[g].copies);
    }
    onProgress?.(step + 1, config.steps);
  }
  if (signal?.aborted) throw abortError();
  const metrics = groups.map((group, g) =>
    trainMetrics(group.layout, config.activation, data, params[g], group.copies),
  );
  return { groups, metrics, params };
}

/** The CPU twin of TrainabilityEngine.run: the grid trained in f64 and summarized. */
export async function trainabilityCpu(
  config: TrainabilityConfig,
  signal?: AbortSignal,
  onProgress?: TrainabilityRunOptions['onProgress'],
): Promise<TrainabilityResult> {
  const { groups, metrics } = await trainabilityCopiesCpu(config, signal, onProgress);
  return summarizeTrainability(config, groups, metrics);
}

/** The twin's parameters of every group part-way through a run (copy-major per group, f64). */
export type TrainabilityParams = Float64Array[];

/**
 * The CPU twin in pieces (the page's worker, one job per piece): `count` steps of every group from `params`
 * (from the init when absent), and the result once `finish` (then T steps must have been taken). Stateless:
 * the groups and the data are made again from the config, so any worker can take the next piece.
 */
export function trainabilityPieceCpu(
  config: TrainabilityConfig,
  params: TrainabilityParams | undefined,
  count: number,
  finish: boolean,
): { params: TrainabilityParams; result?: TrainabilityResult } {
  const groups = trainabilityGroups(config);
  const data = trainabilityData(config);
  const rule = trainabilityRule(config);
  const current = params ?? groups.map((group) => trainabilityInit(config, group));
  for (let step = 0; step < count; step++) {
    for (let g = 0; g < groups.length; g++) {
      trainStep(groups[g].layout, config.activation, rule, data, current[g], groups[g].copies);
    }
  }
  if (!finish) return { params: current };
  const metrics = groups.map((group, g) =>
    trainMetrics(group.layout, config.activation, data, current[g], group.copies),
  );
  return { params: current, result: summarizeTrainability(config, groups, metrics) };
}
