// The training kernels' WGSL, composed in one place: each kernel file plus the training snippets
// (shaders/trainCommon.wgsl always; shaders/trainLayout.wgsl, shaders/trainForward.wgsl where the
// kernel reads the layout table) and the shared ones (rng, activations); and their pipelines, one
// per activation (and, for the unrolled kernels, per layout), from the pipeline cache.
import trainCommonSource from '../../shaders/trainCommon.wgsl?raw';
import trainForwardSource from '../../shaders/trainForward.wgsl?raw';
import trainLayoutSource from '../../shaders/trainLayout.wgsl?raw';
import { ACTIVATION_CODES, type Activation } from '../core/activations';
import type { TrainLayout } from '../core/trainLayout';
import { PipelineCache } from './pipelineCache';
import { type CommonSnippet, composeShader } from './shaderSource';
import { UNROLLED_MAX_PARAMS } from './unrolledNetwork';
import { recordLayout } from './wgslLayout';

export interface TrainShaderParts {
  /** The kernel declares `layout_table` and uses the layout accessors. */
  layout: boolean;
  /** The kernel calls network_logit4 (needs layout). */
  forward: boolean;
  snippets: readonly CommonSnippet[];
}

export function composeTrainShader(kernelSource: string, parts: TrainShaderParts): string {
  const training = [
    trainCommonSource,
    ...(parts.layout ? [trainLayoutSource] : []),
    ...(parts.forward ? [trainForwardSource] : []),
  ];
  return composeShader([...training, kernelSource].join('\n'), parts.snippets);
}

/** What the metrics kernels write per copy (struct CopyMetrics of shaders/trainCommon.wgsl). */
export const copyMetricsLayout = () => recordLayout(trainCommonSource, 'CopyMetrics');

export interface TrainPipelineRequest {
  entryPoint: string;
  code: string;
  activation: Activation;
  constants?: Readonly<Record<string, number>>;
  /** Labels the pipeline beyond its entry point and activation (the unrolled kernels: the layout). */
  detail?: string;
}

/** The pipeline of one training kernel for one activation (the ACTIVATION override). */
export function trainPipeline(device: GPUDevice, request: TrainPipelineRequest): Promise<GPUComputePipeline> {
  const { entryPoint, activation, detail } = request;
  return PipelineCache.of(device).pipeline({
    label: `${entryPoint} (${[detail, activation].filter(Boolean).join(', ')})`,
    module: detail ? `${entryPoint} ${detail}` : entryPoint,
    code: request.code,
    entryPoint,
    constants: { ...request.constants, ACTIVATION: ACTIVATION_CODES[activation] },
  });
}

/** Compiles a training kernel's module now, so that an error shows when the engine is created. */
export async function compileTrainShader(device: GPUDevice, entryPoint: string, code: string): Promise<void> {
  await PipelineCache.of(device).module(entryPoint, code);
}

/** The pipeline of an unrolled kernel (P ≤ UNROLLED_MAX_PARAMS) for one layout and activation. */
export function unrolledPipeline(
  device: GPUDevice,
  entryPoint: string,
  sourceFor: (layout: TrainLayout) => string,
  layout: TrainLayout,
  activation: Activation,
  workgroupSize: number,
): Promise<GPUComputePipeline> {
  if (layout.paramCount > UNROLLED_MAX_PARAMS)
    return Promise.reject(new RangeError(`${entryPoint}: P = ${layout.paramCount} > ${UNROLLED_MAX_PARAMS}`));
  const code = composeTrainShader(sourceFor(layout), { layout: false, forward: false, snippets: ['activations'] });
  return trainPipeline(device, {
    entryPoint,
    code,
    activation,
    constants: { WORKGROUP_SIZE: workgroupSize },
    detail: layout.widths.join('-'),
  });
}
