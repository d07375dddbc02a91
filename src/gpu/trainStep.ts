// GPU runner of shaders/trainStep.wgsl; CPU twin: trainStep in src/core/trainStep.ts.
import trainStepSource from '../../shaders/trainStep.wgsl?raw';
import type { Activation } from '../core/activations';
import { quadCount, TRAIN_TILE_QUADS, type TrainLayout } from '../core/trainLayout';
import { PARAM_UPDATE_CODES, paramUpdate, type TrainRule } from '../core/trainStep';
import { BoundDispatch, bindBuffers } from './computePass';
import { compileTrainShader, composeTrainShader, trainPipeline } from './trainShaders';
import { type UniformValues, uniformLayout } from './wgslLayout';

/** The buffers of one run (allocated by the engine at reset). */
export interface TrainStepBuffers {
  layoutTable: GPUBuffer;
  /** Points in quads (packPointQuads), training quads first. */
  points: GPUBuffer;
  /** K·P f32. */
  weights: GPUBuffer;
  /** K·P f32: partial sums across tiles. */
  gradients: GPUBuffer;
  /** K·S·TRAIN_TILE_QUADS vec4f. */
  scratch: GPUBuffer;
}

export interface TrainStepSettings {
  layout: TrainLayout;
  activation: Activation;
  rule: TrainRule;
  trainCount: number;
  copies: number;
}

/** The uniform fields of an update rule (penalty, alpha, alphaLambda, decay: update_param in trainCommon.wgsl). */
export function updateUniforms(rule: TrainRule): UniformValues {
  return {
    penalty: PARAM_UPDATE_CODES[paramUpdate(rule)],
    alpha: rule.alpha,
    alphaLambda: rule.alpha * rule.lambda,
    decay: 1 - 2 * rule.alpha * rule.lambda,
  };
}

const code = () => composeTrainShader(trainStepSource, { layout: true, forward: false, snippets: ['activations'] });

export class TrainStepKernel {
  private constructor(readonly device: GPUDevice) {}

  /** Compiles the kernel's module; its pipelines (one per activation) are built on first use. */
  static async create(device: GPUDevice): Promise<TrainStepKernel> {
    await compileTrainShader(device, 'trainStep', code());
    return new TrainStepKernel(device);
  }

  /** One step of every copy, bound to a run's buffers: encode it as many times as there are steps. */
  async bind(buffers: TrainStepBuffers, settings: TrainStepSettings): Promise<BoundDispatch> {
    const { device } = this;
    const { layout, copies } = settings;
    if (copies > device.limits.maxComputeWorkgroupsPerDimension)
      throw new RangeError(`trainStep: ${copies} copies exceed the dispatch limit`);
    const pipeline = await trainPipeline(device, {
      entryPoint: 'trainStep',
      code: code(),
      activation: settings.activation,
      constants: { TILE_QUADS: TRAIN_TILE_QUADS },
    });
    const params = uniformLayout(trainStepSource).createBuffer(device, 'trainStep params', {
      copies,
      paramCount: layout.paramCount,
      layerCount: layout.layerCount,
      trainCount: settings.trainCount,
      trainQuads: quadCount(settings.trainCount),
      scratchUnits: layout.scratchUnits,
      ...updateUniforms(settings.rule),
    });
    const { layoutTable, points, weights, gradients, scratch } = buffers;
    const bindGroup = bindBuffers(device, 'trainStep bind group', pipeline, [
      params,
      layoutTable,
      points,
      weights,
      gradients,
      scratch,
    ]);
    return new BoundDispatch('trainStep', pipeline, bindGroup, { x: copies }, [params]);
  }
}
