// Composes kernels with the shared WGSL snippets of shaders/common/, in one place.
import activationsSource from '../../shaders/common/activations.wgsl?raw';
import rngSource from '../../shaders/common/rng.wgsl?raw';
import type { Activation } from '../core/activations';

export const COMMON_SNIPPETS = { rng: rngSource, activations: activationsSource } as const;
export type CommonSnippet = keyof typeof COMMON_SNIPPETS;

/** The ACTIVATION override constant of shaders/common/activations.wgsl. */
export const ACTIVATION_CODE: Record<Activation, number> = { tanh: 0, sigmoid: 1, relu: 2, linear: 3 };

export function composeShader(kernelSource: string, snippets: readonly CommonSnippet[]): string {
  return [...snippets.map((name) => COMMON_SNIPPETS[name]), kernelSource].join('\n');
}

/** Compiles a module and fails with the compiler's messages (line:column) instead of a silent bad pipeline. */
export async function compileShader(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  const module = device.createShaderModule({ label, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((message) => message.type === 'error');
  if (errors.length > 0) {
    throw new Error(
      `WGSL compile error in ${label}:\n${errors.map((m) => `  ${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`,
    );
  }
  return module;
}

/** The compute pipeline of one entry point ('auto' layout), labelled after it, with its override constants. */
export function kernelPipeline(
  device: GPUDevice,
  module: GPUShaderModule,
  entryPoint: string,
  constants: Record<string, number>,
  label = `${entryPoint} pipeline`,
): Promise<GPUComputePipeline> {
  return device.createComputePipelineAsync({ label, layout: 'auto', compute: { module, entryPoint, constants } });
}
