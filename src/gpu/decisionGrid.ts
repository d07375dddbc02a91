// GPU runner of shaders/decisionGrid.wgsl; CPU twin: decisionGrid in src/core/decisionGrid.ts.
import decisionGridSource from '../../shaders/decisionGrid.wgsl?raw';
import type { Activation } from '../core/activations';
import { checkGridSize, type InputWindow } from '../core/decisionGrid';
import type { TrainLayout } from '../core/trainLayout';
import { createUniformBuffer } from './buffers';
import { bindBuffers, encodeComputePass } from './computePass';
import { compileTrainShader, composeTrainShader, trainPipeline } from './trainShaders';
import { uniformLayout } from './wgslLayout';

const WORKGROUP_SIDE = 8;
/** Neighbouring columns of the grid per invocation (one quad). */
const COLUMNS_PER_INVOCATION = 4;

export interface DecisionGridSettings {
  layout: TrainLayout;
  activation: Activation;
  copy: number;
  G: number;
  window: InputWindow;
}

const code = () => composeTrainShader(decisionGridSource, { layout: true, forward: true, snippets: ['activations'] });

export class DecisionGridKernel {
  private constructor(
    readonly device: GPUDevice,
    private readonly params: GPUBuffer,
  ) {}

  /** Compiles the kernel's module; its pipelines (one per activation) are built on first use. */
  static async create(device: GPUDevice): Promise<DecisionGridKernel> {
    await compileTrainShader(device, 'decisionGrid', code());
    const params = createUniformBuffer(device, 'decisionGrid params', uniformLayout(decisionGridSource).byteLength);
    return new DecisionGridKernel(device, params);
  }

  /**
   * Records σ(z[L]) of one copy on the G×G grid into `probabilities` (G·G f32). Writes the uniforms
   * now (queue order): submit before encoding another grid.
   */
  async encode(
    encoder: GPUCommandEncoder,
    layoutTable: GPUBuffer,
    weights: GPUBuffer,
    probabilities: GPUBuffer,
    settings: DecisionGridSettings,
  ): Promise<void> {
    const { device, params } = this;
    const { layout, G, window } = settings;
    checkGridSize(G);
    const pipeline = await trainPipeline(device, {
      entryPoint: 'decisionGrid',
      code: code(),
      activation: settings.activation,
    });
    uniformLayout(decisionGridSource).write(device, params, {
      copy: settings.copy,
      paramCount: layout.paramCount,
      layerCount: layout.layerCount,
      G,
      x0Min: window.x0Min,
      x0Step: (window.x0Max - window.x0Min) / (G - 1),
      x1Min: window.x1Min,
      x1Step: (window.x1Max - window.x1Min) / (G - 1),
    });
    const bindGroup = bindBuffers(device, 'decisionGrid bind group', pipeline, [
      params,
      layoutTable,
      weights,
      probabilities,
    ]);
    const workgroups = {
      x: Math.ceil(Math.ceil(G / COLUMNS_PER_INVOCATION) / WORKGROUP_SIDE),
      y: Math.ceil(G / WORKGROUP_SIDE),
    };
    encodeComputePass(encoder, 'decisionGrid pass', [{ pipeline, bindGroups: [bindGroup], workgroups }]);
  }

  destroy(): void {
    this.params.destroy();
  }
}
