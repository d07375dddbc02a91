// One chunk of inits through the initialization engine, in named steps: draw the inputs x; per layer
// going up draw W[l] and b[l], run layerForward and the statistics of z and a; at the top draw g into
// δ[L] and run readoutDelta; per layer going down (re)draw W[l], run layerBackward, the statistics of δ
// and dWNorm; then read the records back and add them to the f64 accumulators. Each layer is one
// submit (or, when one init's layer is over the time budget and W comes in row blocks, one submit per
// few blocks: the same dispatches, so the same numbers), with at most two in flight; each is timed, so
// the engine sizes the next chunk (src/gpu/submitBudget.ts). CPU twin: initPass in src/core/initStats.ts.
import type { InitConfig } from '../core/initConfig';
import type { TheoryLayer } from '../core/meanField';
import { Stream, type StreamTag, streamKey } from '../core/rng';
import { weightDraw, weightFactor } from '../core/schemes';
import { histogramRange, type LayerAccumulators, type Quantity } from '../core/stats';
import { createStorageBuffer, readBuffer } from './buffers';
import type { ErrorWatch } from './gpuErrors';
import type { ChunkBuffers } from './initBuffers';
import type { DrawBlock, InitDispatcher, WeightStream } from './initKernels';
import type { InitPlan } from './initPlan';
import {
  activationScale,
  combineNorms,
  combineRecords,
  type MomentScales,
  planRecords,
  type RecordPlan,
  statsRecordLayout,
} from './initRecords';
import { type ChunkTiming, SubmitWindow } from './submitBudget';

/** What a chunk needs: the run's configuration, plan, theory and buffers, and which inits it holds. */
export interface ChunkSetup {
  config: InitConfig;
  plan: InitPlan;
  theory: TheoryLayer[];
  scales: MomentScales;
  buffers: ChunkBuffers;
  dispatcher: InitDispatcher;
  firstInit: number;
  inits: number;
}

/** How the engine runs a chunk: how its layers are cut into submissions and which calls it watches. */
export interface ChunkControl {
  /** Row blocks of W per submission (Infinity: a layer per submission). */
  blocksPerSubmission: number;
  /** Guards the read-back's allocations, and every submission when `watchSubmissions` (a run's first chunk). */
  watch: ErrorWatch;
  watchSubmissions: boolean;
  /** Called before the records are read back: throws when a GPU error was caught (nothing is read then). */
  beforeRead(): Promise<void>;
  /** After each layer's submissions (of the 2L + 1 steps: inputs, L up, readout, L − 1 down). */
  onStep?(stepsDone: number, steps: number): void;
}

/** A block of rows of W[l]: rows [rowOffset, rowOffset + rows). */
interface WeightBlock {
  rowOffset: number;
  rows: number;
}

/** `blocks` in groups of at most `size`, in order. */
function groupsOf<T>(blocks: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  const step = Math.max(1, Number.isFinite(size) ? Math.floor(size) : blocks.length);
  for (let at = 0; at < blocks.length; at += step) groups.push(blocks.slice(at, at + step));
  return groups;
}

export class ChunkRun {
  private readonly records: RecordPlan;
  private readonly recordBuffer: GPUBuffer;
  private readonly histogramBuffer: GPUBuffer;
  private readonly normBuffer: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    private readonly setup: ChunkSetup,
  ) {
    const { config, plan, inits } = setup;
    this.records = planRecords(plan.slices, config.depth, inits);
    const recordBytes = this.records.records * statsRecordLayout().words * 4;
    this.recordBuffer = createStorageBuffer(device, 'layerStats records', recordBytes);
    this.histogramBuffer = createStorageBuffer(device, 'layerStats histograms', this.records.records * config.bins * 4);
    const partials = config.depth * inits * plan.normGroupsPerInit;
    this.normBuffer = createStorageBuffer(device, 'dWNorm partials', partials * 4);
  }

  /** Runs the chunk and adds its statistics to `layers`; frees the chunk's own buffers either way. */
  async run(layers: LayerAccumulators[], signal: AbortSignal | undefined, control: ChunkControl): Promise<ChunkTiming> {
    const window = new SubmitWindow(this.device, signal);
    const L = this.setup.config.depth;
    let stepsDone = 0;
    const submit = (label: string, layer: string, blocks: number, record: (encoder: GPUCommandEncoder) => void) => {
      const send = () => window.submit(this.encode(label, record), layer, blocks);
      return control.watchSubmissions ? control.watch.guard(send) : send();
    };
    const stepDone = () => control.onStep?.(++stepsDone, 2 * L + 1);
    try {
      await submit('inputs', 'inputs', 1, (encoder) => this.encodeInputs(encoder));
      stepDone();
      for (let l = 1; l <= L; l++) {
        const parts = groupsOf(this.weightBlocks(l), control.blocksPerSubmission);
        for (const [index, part] of parts.entries()) {
          const place = { first: index === 0, last: index === parts.length - 1 };
          await submit(`forward ${l}`, `forward ${l}`, part.length, (e) => this.encodeForward(e, l, part, place));
        }
        stepDone();
      }
      let [deltaAbove, deltaBelow] = this.setup.buffers.deltas;
      await submit('readout', 'readout', 1, (encoder) => this.encodeReadout(encoder, deltaAbove));
      stepDone();
      for (let l = L; l >= 2; l--) {
        const [above, below] = [deltaAbove, deltaBelow];
        const blocks = this.weightBlocks(l);
        const parts = groupsOf(blocks, control.blocksPerSubmission);
        let firstBlock = 0;
        for (const part of parts) {
          const at = { firstBlock, blocks: blocks.length };
          await submit(`backward ${l}`, `backward ${l}`, part.length, (encoder) =>
            this.encodeBackward(encoder, l, above, below, part, at),
          );
          firstBlock += part.length;
        }
        stepDone();
        [deltaAbove, deltaBelow] = [deltaBelow, deltaAbove];
      }
      await window.drain();
      await control.beforeRead();
      await this.readRecords(layers, control.watch);
      return window.timing(this.setup.inits);
    } finally {
      this.setup.dispatcher.release();
      for (const buffer of [this.recordBuffer, this.histogramBuffer, this.normBuffer]) buffer.destroy();
    }
  }

  private encode(label: string, record: (encoder: GPUCommandEncoder) => void): GPUCommandEncoder {
    const encoder = this.device.createCommandEncoder({ label });
    record(encoder);
    return encoder;
  }

  /** x = a[0]: normals of the inputs stream. */
  private encodeInputs(encoder: GPUCommandEncoder): void {
    const target = this.setup.buffers.activations[0];
    encoder.clearBuffer(target);
    this.encodeDraw(encoder, target, { ...this.streamBlock(Stream.inputs, 0), rows: this.setup.config.batch });
  }

  /**
   * Layer l going up, over some of its row blocks: b[l] with the first, then per block W[l] and
   * layerForward; the statistics of z[l] and a[l] with the last.
   */
  private encodeForward(
    encoder: GPUCommandEncoder,
    l: number,
    blocks: readonly WeightBlock[],
    place: { first: boolean; last: boolean },
  ): void {
    const { config, plan, buffers, dispatcher, inits } = this.setup;
    const { widths: n, strides: ld, batchPadded, rowsPerBlock } = plan;
    if (place.first) {
      encoder.clearBuffer(buffers.bias);
      if (config.biasStd > 0) {
        const bias = { ...this.streamBlock(Stream.biases, l), rows: 1, rowsPadded: 1, factor: config.biasStd };
        this.encodeDraw(encoder, buffers.bias, bias);
      }
    }
    for (const block of blocks) {
      if (!plan.fusedWeights) this.encodeWeightBlock(encoder, l, block);
      const { rowOffset } = block;
      const shape = { inits, batch: config.batch, batchPadded, rowOffset, rowsPadded: rowsPerBlock[l] };
      const layer = { nIn: n[l - 1], ldIn: ld[l - 1], nOut: n[l], ldOut: ld[l] };
      const below = buffers.activations[l - 1];
      const bindings = { below, weights: buffers.weights[l], bias: buffers.bias, z: buffers.preActivations[l] };
      const resources = { ...bindings, a: buffers.activations[l] };
      dispatcher.forward(encoder, resources, { ...shape, ...layer }, this.weightStream(l));
    }
    if (!place.last) return;
    this.encodeStatistics(encoder, buffers.preActivations[l], l, 'z', true);
    this.encodeStatistics(encoder, buffers.activations[l], l, 'a', false);
  }

  /** δ[L] = g ⊙ φ'(z[L]): g drawn into δ[L], then readoutDelta; the statistics of δ[L] and ‖dW[L]‖². */
  private encodeReadout(encoder: GPUCommandEncoder, deltaTop: GPUBuffer): void {
    const { config, plan, buffers, dispatcher, inits } = this.setup;
    const L = config.depth;
    encoder.clearBuffer(deltaTop);
    this.encodeDraw(encoder, deltaTop, { ...this.streamBlock(Stream.readout, L), rows: config.batch });
    const vec4s = (inits * plan.batchPadded * plan.strides[L]) / 4;
    dispatcher.readout(encoder, { zTop: buffers.preActivations[L], deltaTop }, vec4s);
    this.encodeStatistics(encoder, deltaTop, L, 'delta', true);
    this.encodeWeightNorm(encoder, deltaTop, L);
  }

  /**
   * Layer l going down, over some of its row blocks (the first at index `firstBlock` of `blocks`): δ[l−1]
   * from δ[l] over those blocks of W[l]; the statistics of δ[l−1] and ‖dW[l−1]‖² after the last block.
   */
  private encodeBackward(
    encoder: GPUCommandEncoder,
    l: number,
    deltaAbove: GPUBuffer,
    deltaBelow: GPUBuffer,
    part: readonly WeightBlock[],
    at: { firstBlock: number; blocks: number },
  ): void {
    const { config, plan, buffers, dispatcher, inits } = this.setup;
    const { widths: n, strides: ld, batchPadded, rowsPerBlock } = plan;
    part.forEach((block, offset) => {
      const index = at.firstBlock + offset;
      if (!plan.cacheWeights && !plan.fusedWeights) this.encodeWeightBlock(encoder, l, block);
      const weights = buffers.weights[l];
      const bindings = { deltaAbove, weights, zBelow: buffers.preActivations[l - 1], deltaBelow };
      const shape = {
        inits,
        batch: config.batch,
        batchPadded,
        nOut: n[l],
        nIn: n[l - 1],
        ldIn: ld[l - 1],
        ldOut: ld[l],
        rowOffset: block.rowOffset,
        rowsPadded: rowsPerBlock[l],
        accumulate: index > 0 ? 1 : 0,
        finalize: index === at.blocks - 1 ? 1 : 0,
      };
      dispatcher.backward(encoder, bindings, shape, this.weightStream(l));
    });
    if (at.firstBlock + part.length < at.blocks) return;
    this.encodeStatistics(encoder, deltaBelow, l - 1, 'delta', true);
    this.encodeWeightNorm(encoder, deltaBelow, l - 1);
  }

  /** The rows [rowOffset, rowOffset + rows) of W[l] drawn at a time (all of them when W fits a binding). */
  private weightBlocks(l: number): WeightBlock[] {
    const { widths: n, rowsPerBlock } = this.setup.plan;
    const blocks: WeightBlock[] = [];
    for (let rowOffset = 0; rowOffset < n[l]; rowOffset += rowsPerBlock[l]) {
      blocks.push({ rowOffset, rows: Math.min(rowsPerBlock[l], n[l] - rowOffset) });
    }
    return blocks;
  }

  /** The stream W[l] is drawn from: by initWeights into a buffer, or by the layer kernels in place. */
  private weightStream(l: number): WeightStream {
    const { config, plan, firstInit } = this.setup;
    const factor = weightFactor(config.scheme, config.scale, plan.widths[l - 1], plan.widths[l]);
    return { seed: config.seed, key1: streamKey(Stream.weights, l), firstInit, factor };
  }

  /** Draws one block of W[l] by the scheme (the padding cleared when the drawn shape changes). */
  private encodeWeightBlock(encoder: GPUCommandEncoder, l: number, block: WeightBlock): void {
    const { config, plan, buffers } = this.setup;
    const { widths: n, strides: ld, rowsPerBlock } = plan;
    const target = buffers.weights[l];
    const shape = `${block.rows}×${n[l - 1]}`;
    if (buffers.drawnShape.get(target) !== shape) {
      encoder.clearBuffer(target); // padding rows and columns must be 0
      buffers.drawnShape.set(target, shape);
    }
    this.encodeDraw(encoder, target, {
      ...this.streamBlock(Stream.weights, l),
      ...block,
      cols: n[l - 1],
      ld: ld[l - 1],
      rowsPadded: rowsPerBlock[l],
      factor: this.weightStream(l).factor,
      draw: weightDraw(config.scheme),
    });
  }

  /** A normal draw of stream (tag, layer) over a batch-by-width matrix of this chunk (fields to override). */
  private streamBlock(tag: StreamTag, layer: number): DrawBlock {
    const { config, plan, firstInit, inits } = this.setup;
    const width = plan.widths[layer];
    return {
      seed: config.seed,
      key1: streamKey(tag, layer),
      firstInit,
      inits,
      rows: config.batch,
      cols: width,
      rowOffset: 0,
      ld: plan.strides[layer],
      rowsPadded: plan.batchPadded,
      factor: 1,
      draw: 'normal',
    };
  }

  private encodeDraw(encoder: GPUCommandEncoder, target: GPUBuffer, block: DrawBlock): void {
    this.setup.dispatcher.draw(encoder, target, block);
  }

  /** layerStats of one quantity of layer l: counts, scaled sums and the histogram over the theory's range. */
  private encodeStatistics(
    encoder: GPUCommandEncoder,
    values: GPUBuffer,
    l: number,
    quantity: Quantity,
    symmetry: boolean,
  ) {
    const { config, plan, theory, scales, dispatcher, inits } = this.setup;
    const range = histogramRange(config, theory, l, quantity);
    const binScale = config.bins / (range.hi - range.lo);
    const binOffset = -range.lo * binScale;
    // The range goes in scaled units (see shaders/layerStats.wgsl): a vanishing layer's range, and
    // bins / (hi − lo), can leave f32 otherwise. s is a power of two, so the bins are unchanged.
    const s = 1 / scales[l - 1][quantity];
    const buffers = { values, records: this.recordBuffer, histograms: this.histogramBuffer };
    dispatcher.statistics(encoder, buffers, {
      inits,
      batch: config.batch,
      batchPadded: plan.batchPadded,
      n: plan.widths[l],
      ld: plan.strides[l],
      slices: plan.slices[l],
      rowsPerSlice: plan.rowsPerSlice[l],
      bins: config.bins,
      scale: s,
      lo: range.lo * s,
      hi: range.hi * s,
      binScale: binScale / s,
      binWhole: Math.floor(binOffset),
      binFraction: binOffset - Math.floor(binOffset),
      symmetry: symmetry ? 1 : 0,
      recordOffset: this.records.offsets[l][quantity],
    });
  }

  /** dWNorm of layer l: partial sums of ‖Σ_b δ[l]_b a[l−1]_bᵀ‖², scaled into f32's range. */
  private encodeWeightNorm(encoder: GPUCommandEncoder, delta: GPUBuffer, l: number): void {
    const { config, plan, scales, buffers, dispatcher, inits } = this.setup;
    const groupsPerInit = plan.normGroupsPerInit;
    dispatcher.weightNorm(
      encoder,
      { delta, below: buffers.activations[l - 1], partials: this.normBuffer },
      {
        inits,
        batch: config.batch,
        batchPadded: plan.batchPadded,
        vecsOut: plan.strides[l] / 4,
        vecsIn: plan.strides[l - 1] / 4,
        groupsPerInit,
        deltaScale: 1 / scales[l - 1].delta,
        aScale: 1 / activationScale(scales, l - 1),
        partialOffset: (l - 1) * inits * groupsPerInit,
      },
    );
  }

  /** Reads the chunk's records and partials back (the staging buffers' allocations watched) and adds them up. */
  private async readRecords(layers: LayerAccumulators[], watch: ErrorWatch): Promise<void> {
    const { device } = this;
    const { config, plan, scales, firstInit, inits } = this.setup;
    const [records, histograms, norms] = await watch.guard(() =>
      Promise.all([
        readBuffer(device, this.recordBuffer),
        readBuffer(device, this.histogramBuffer),
        readBuffer(device, this.normBuffer),
      ]),
    );
    combineRecords(
      config,
      layers,
      { plan: this.records, slices: plan.slices, records, histograms, firstInit, inits },
      scales,
    );
    const partials = new Float32Array(norms);
    combineNorms(config, layers, { partials, groupsPerInit: plan.normGroupsPerInit, firstInit, inits }, scales);
  }
}
