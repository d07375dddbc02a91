// Where every number of the training engine lives, shared by the GPU kernels and the CPU twin.
//
// Network: n[0] = 2 inputs → hidden layers n[1..L−1] → n[L] = 1 logit (sigmoid + cross-entropy).
// Parameters of one copy (P floats), layer after layer l = 1..L:
//   W[l] row-major n[l] × n[l−1] at weightOffset[l]: W[l]_{i,j} at weightOffset[l] + i·n[l−1] + j,
//   then b[l] (n[l] floats) at biasOffset[l] = weightOffset[l] + n[l]·n[l−1].
// All copies in one buffer, copy-major: parameter p of copy k at k·P + p (K·P floats).
//
// Points as the kernels read them, four to a quad (each invocation works on a vec4 of four points):
//   quad q is 4 vec4f at 4q: x0 of its four points, x1, label, mask (1 for a point, 0 for padding).
//   The training points fill quads 0..trainQuads−1, the test points start at quad trainQuads.
//
// Scratch of the step kernel (per copy, per tile of TRAIN_TILE_QUADS quads, one slot per quad):
//   unit u of quad slot t at vec4 index u·TRAIN_TILE_QUADS + t, units: a[l] of the hidden layers
//   l = 1..L−1 at activationOffset[l] + i, then δ[l] = ∂loss/∂z[l] of every layer l = 1..L at
//   deltaOffset[l] + i. The slot is the fastest index so neighbouring invocations touch neighbouring words.
//
// The packed table (packTrainLayout) is what the kernels read: LAYOUT_SLOTS u32 per row, one row per
// field below, indexed by the layer l (0..MAX_TRAIN_LAYERS).

/**
 * Hidden layers the kernels take at most (the trainability experiment's deep nets; the training view's own
 * limit is MAX_TRAIN_DEPTH in trainConfig.ts); plus the output layer that makes MAX_TRAIN_LAYERS.
 */
export const MAX_HIDDEN_LAYERS = 64;
export const MAX_HIDDEN_WIDTH = 64;
export const MAX_TRAIN_LAYERS = MAX_HIDDEN_LAYERS + 1;
export const INPUT_WIDTH = 2;

/** Quads (4 points) per tile of the step kernel = its workgroup size (one invocation per quad). */
export const TRAIN_TILE_QUADS = 16;
/** Points per tile: 64. */
export const TRAIN_TILE = 4 * TRAIN_TILE_QUADS;

/** Entries per row of the packed table: layers 0..MAX_TRAIN_LAYERS. */
export const LAYOUT_SLOTS = MAX_TRAIN_LAYERS + 1;
/** Row order of the packed table; the WGSL kernels name the same rows (LAYOUT_WIDTH, …). */
export const LAYOUT_ROWS = ['width', 'weightOffset', 'biasOffset', 'activationOffset', 'deltaOffset'] as const;

export interface TrainLayout {
  /** n[0..L]: 2, the hidden widths, 1. */
  widths: number[];
  /** L: hidden layers + 1. */
  layerCount: number;
  /** Index l = 1..L (index 0 unused, 0). */
  weightOffset: number[];
  biasOffset: number[];
  /** Scratch unit of a[l]_0 for hidden l = 1..L−1 (0 elsewhere). */
  activationOffset: number[];
  /** Scratch unit of δ[l]_0 for l = 1..L (index 0 unused). */
  deltaOffset: number[];
  /** P: parameters per copy (weights and biases). */
  paramCount: number;
  /** Σ n[l]·n[l−1]: the weights (biases excluded), the ones the penalty acts on and the histogram counts. */
  weightCount: number;
  /** S: scratch units per point slot. */
  scratchUnits: number;
}

export function trainLayout(hidden: readonly number[]): TrainLayout {
  if (hidden.length < 1 || hidden.length > MAX_HIDDEN_LAYERS) {
    throw new RangeError(`a network needs 1–${MAX_HIDDEN_LAYERS} hidden layers (got ${hidden.length})`);
  }
  for (const width of hidden) {
    if (!Number.isInteger(width) || width < 1 || width > MAX_HIDDEN_WIDTH) {
      throw new RangeError(`hidden widths must be integers in 1–${MAX_HIDDEN_WIDTH} (got ${width})`);
    }
  }
  const widths = [INPUT_WIDTH, ...hidden, 1];
  const layerCount = widths.length - 1;
  const weightOffset = new Array<number>(layerCount + 1).fill(0);
  const biasOffset = new Array<number>(layerCount + 1).fill(0);
  const activationOffset = new Array<number>(layerCount + 1).fill(0);
  const deltaOffset = new Array<number>(layerCount + 1).fill(0);
  let param = 0;
  let weightCount = 0;
  for (let l = 1; l <= layerCount; l++) {
    weightOffset[l] = param;
    biasOffset[l] = param + widths[l] * widths[l - 1];
    param = biasOffset[l] + widths[l];
    weightCount += widths[l] * widths[l - 1];
  }
  let unit = 0;
  for (let l = 1; l < layerCount; l++) {
    activationOffset[l] = unit;
    unit += widths[l];
  }
  for (let l = 1; l <= layerCount; l++) {
    deltaOffset[l] = unit;
    unit += widths[l];
  }
  return {
    widths,
    layerCount,
    weightOffset,
    biasOffset,
    activationOffset,
    deltaOffset,
    paramCount: param,
    weightCount,
    scratchUnits: unit,
  };
}

/** Which parameter p of a copy is: layer l, bias or weight, row i (unit of layer l), column j (unit of layer l − 1). */
export function describeParamIndex(
  layout: TrainLayout,
  p: number,
): { layer: number; isBias: boolean; row: number; col: number } {
  for (let l = 1; l <= layout.layerCount; l++) {
    const nIn = layout.widths[l - 1];
    if (p < layout.biasOffset[l]) {
      const e = p - layout.weightOffset[l];
      return { layer: l, isBias: false, row: Math.floor(e / nIn), col: e % nIn };
    }
    if (p < layout.biasOffset[l] + layout.widths[l])
      return { layer: l, isBias: true, row: p - layout.biasOffset[l], col: 0 };
  }
  throw new RangeError(`parameter ${p} is outside a copy of ${layout.paramCount}`);
}

/** The table the kernels read (storage array<u32>): row r, layer l at r·LAYOUT_SLOTS + l. */
export function packTrainLayout(layout: TrainLayout): Uint32Array<ArrayBuffer> {
  const packed = new Uint32Array(LAYOUT_ROWS.length * LAYOUT_SLOTS);
  LAYOUT_ROWS.forEach((row, r) => {
    const values = row === 'width' ? layout.widths : layout[row];
    values.forEach((value, l) => {
      packed[r * LAYOUT_SLOTS + l] = value;
    });
  });
  return packed;
}

/** Quads holding `count` points. */
export function quadCount(count: number): number {
  return Math.ceil(count / 4);
}

/** The points in quads (see the top of this file): 16 f32 per quad, training quads first. */
export function packPointQuads(
  inputs: ArrayLike<number>,
  labels: ArrayLike<number>,
  trainCount: number,
  testCount: number,
): Float32Array<ArrayBuffer> {
  const trainQuads = quadCount(trainCount);
  const packed = new Float32Array(16 * (trainQuads + quadCount(testCount)));
  for (let n = 0; n < trainCount + testCount; n++) {
    const inTest = n >= trainCount;
    const index = inTest ? n - trainCount : n;
    const quad = (inTest ? trainQuads : 0) + Math.floor(index / 4);
    const lane = index % 4;
    packed[16 * quad + lane] = inputs[2 * n];
    packed[16 * quad + 4 + lane] = inputs[2 * n + 1];
    packed[16 * quad + 8 + lane] = labels[n];
    packed[16 * quad + 12 + lane] = 1;
  }
  return packed;
}

/** Floats of the weight, gradient and scratch buffers for K copies. */
export function trainBufferFloats(layout: TrainLayout, copies: number): { weights: number; scratch: number } {
  return { weights: copies * layout.paramCount, scratch: copies * layout.scratchUnits * TRAIN_TILE };
}

/**
 * The largest buffer the engine may ask for, in f32: 128 MiB is the storage-binding size every
 * WebGPU adapter must offer, so a configuration that fits runs everywhere.
 */
export const MAX_BUFFER_FLOATS = (128 * 1024 * 1024) / 4;

/** The largest K whose weight and scratch buffers fit MAX_BUFFER_FLOATS. */
export function maxCopiesFor(layout: TrainLayout): number {
  const perCopy = Math.max(layout.paramCount, layout.scratchUnits * TRAIN_TILE);
  return Math.floor(MAX_BUFFER_FLOATS / perCopy);
}
