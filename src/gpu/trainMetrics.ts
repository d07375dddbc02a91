// GPU runner of shaders/trainMetrics.wgsl; CPU twin: trainMetrics in src/core/trainMetrics.ts.
import trainMetricsSource from '../../shaders/trainMetrics.wgsl?raw';
import type { Activation } from '../core/activations';
import { quadCount, type TrainLayout } from '../core/trainLayout';
import { METRICS_PER_COPY, Metric } from '../core/trainMetrics';
import { BoundDispatch, bindBuffers } from './computePass';
import { compileTrainShader, composeTrainShader, copyMetricsLayout, trainPipeline } from './trainShaders';
import { uniformLayout } from './wgslLayout';

const WORKGROUP_SIZE = 64;

export interface TrainMetricsBuffers {
  layoutTable: GPUBuffer;
  points: GPUBuffer;
  weights: GPUBuffer;
  /** One CopyMetrics per copy (copyMetricsBytes). */
  metrics: GPUBuffer;
}

export interface TrainMetricsSettings {
  layout: TrainLayout;
  activation: Activation;
  trainCount: number;
  testCount: number;
  copies: number;
}

/** Bytes of the metrics of `copies` copies as the metrics kernels write them. */
export function copyMetricsBytes(copies: number): number {
  return 4 * copyMetricsLayout().words * copies;
}

/** The kernels' CopyMetrics records as the CPU twin lays out its metrics: METRICS_PER_COPY per copy, by Metric. */
export function metricsFromRecords(bytes: ArrayBuffer, copies: number): Float32Array {
  const record = copyMetricsLayout();
  const floats = new Float32Array(bytes);
  const metrics = new Float32Array(copies * METRICS_PER_COPY);
  for (const [name, index] of Object.entries(Metric)) {
    const word = record.wordOf(name);
    for (let copy = 0; copy < copies; copy++)
      metrics[copy * METRICS_PER_COPY + index] = floats[copy * record.words + word];
  }
  return metrics;
}

const code = () => composeTrainShader(trainMetricsSource, { layout: true, forward: true, snippets: ['activations'] });

export class TrainMetricsKernel {
  private constructor(readonly device: GPUDevice) {}

  /** Compiles the kernel's module; its pipelines (one per activation) are built on first use. */
  static async create(device: GPUDevice): Promise<TrainMetricsKernel> {
    await compileTrainShader(device, 'trainMetrics', code());
    return new TrainMetricsKernel(device);
  }

  /** The metrics of every copy at the current weights, bound to a run's buffers. */
  async bind(buffers: TrainMetricsBuffers, settings: TrainMetricsSettings): Promise<BoundDispatch> {
    const { device } = this;
    const pipeline = await trainPipeline(device, {
      entryPoint: 'trainMetrics',
      code: code(),
      activation: settings.activation,
      constants: { WORKGROUP_SIZE },
    });
    const params = uniformLayout(trainMetricsSource).createBuffer(device, 'trainMetrics params', {
      copies: settings.copies,
      paramCount: settings.layout.paramCount,
      layerCount: settings.layout.layerCount,
      trainCount: settings.trainCount,
      testCount: settings.testCount,
      trainQuads: quadCount(settings.trainCount),
      testQuads: quadCount(settings.testCount),
    });
    const { layoutTable, points, weights, metrics } = buffers;
    const bindGroup = bindBuffers(device, 'trainMetrics bind group', pipeline, [
      params,
      layoutTable,
      points,
      weights,
      metrics,
    ]);
    return new BoundDispatch('trainMetrics', pipeline, bindGroup, { x: settings.copies }, [params]);
  }
}
