// Composes kernels with the shared WGSL of shaders/common/ and the generated code constants
// (src/gpu/wgslCodes.ts), in one place.
import activationsSource from '../../shaders/common/activations.wgsl?raw';
import drawsSource from '../../shaders/common/draws.wgsl?raw';
import rngSource from '../../shaders/common/rng.wgsl?raw';
import { wgslCodesSource } from './wgslCodes';

export const COMMON_SNIPPETS = { rng: rngSource, draws: drawsSource, activations: activationsSource } as const;
export type CommonSnippet = keyof typeof COMMON_SNIPPETS;

/** The code constants, then the snippets, then the kernel. */
export function composeShader(kernelSource: string, snippets: readonly CommonSnippet[]): string {
  return [wgslCodesSource(), ...snippets.map((name) => COMMON_SNIPPETS[name]), kernelSource].join('\n');
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
