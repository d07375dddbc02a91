// GPU runner of shaders/trainStep.wgsl; CPU twin: trainStep in src/core/trainStep.ts.
import trainStepSource from '../../shaders/trainStep.wgsl?raw';
import type { Activation } from '../core/activations';
import { quadCount, TRAIN_TILE_QUADS, type TrainLayout } from '../core/trainLayout';
import type { TrainRule } from '../core/trainStep';
import { createUniformBuffer } from './buffers';
import { compileShader } from './shaderSource';
import { ActivationPipelines, composeTrainShader } from './trainShaders';
import { packScalarStruct, scalarStruct } from './wgslStruct';

const PARAMS = scalarStruct(trainStepSource, 'TrainStepParams');

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

export function penaltyCode(rule: TrainRule): number {
  if (rule.penalty === 'none') return 0;
  if (rule.penalty === 'l2') return 3;
  return rule.l1Update === 'proximal' ? 1 : 2;
}

/** One bound step (either kernel): its uniforms and bind group; encode() records one step of every copy. */
export class TrainStepPass {
  constructor(
    private readonly pipeline: GPUComputePipeline,
    private readonly bindGroup: GPUBindGroup,
    private readonly params: GPUBuffer,
    readonly workgroups: number,
  ) {}

  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.workgroups);
  }

  destroy(): void {
    this.params.destroy();
  }
}

export class TrainStepKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly pipelines: ActivationPipelines,
  ) {}

  static async create(device: GPUDevice): Promise<TrainStepKernel> {
    const module = await compileShader(
      device,
      'trainStep',
      composeTrainShader(trainStepSource, { layout: true, forward: false, snippets: ['activations'] }),
    );
    return new TrainStepKernel(
      device,
      new ActivationPipelines(device, module, 'trainStep', { TILE_QUADS: TRAIN_TILE_QUADS }),
    );
  }

  async bind(buffers: TrainStepBuffers, settings: TrainStepSettings): Promise<TrainStepPass> {
    const { device } = this;
    const { layout, rule, copies } = settings;
    if (copies > device.limits.maxComputeWorkgroupsPerDimension)
      throw new RangeError(`trainStep: ${copies} copies exceed the dispatch limit`);
    const pipeline = await this.pipelines.get(settings.activation);
    const params = createUniformBuffer(device, 'trainStep params', PARAMS.byteLength);
    device.queue.writeBuffer(
      params,
      0,
      packScalarStruct(PARAMS, {
        copies,
        paramCount: layout.paramCount,
        layerCount: layout.layerCount,
        trainCount: settings.trainCount,
        trainQuads: quadCount(settings.trainCount),
        scratchUnits: layout.scratchUnits,
        penalty: penaltyCode(rule),
        alpha: rule.alpha,
        alphaLambda: rule.alpha * rule.lambda,
        decay: 1 - 2 * rule.alpha * rule.lambda,
      }),
    );
    const bindGroup = device.createBindGroup({
      label: 'trainStep bind group',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: buffers.layoutTable } },
        { binding: 2, resource: { buffer: buffers.points } },
        { binding: 3, resource: { buffer: buffers.weights } },
        { binding: 4, resource: { buffer: buffers.gradients } },
        { binding: 5, resource: { buffer: buffers.scratch } },
      ],
    });
    return new TrainStepPass(pipeline, bindGroup, params, copies);
  }
}
