// Two globals that webgpu-utils 2.x reads and not every runtime of this app has, installed only where
// they are missing (src/gpu/wgslLayout.ts imports this module before webgpu-utils):
// - Float16Array, read when the library loads (its table of f16 views): Node 20 (the command line and
//   the tests) and Chrome before 135 lack it. No struct of ours has an f16 field, so a stand-in that
//   refuses to be constructed is enough.
// - GPUShaderStage, read when it reflects entry points: a WebGPU global, which Node has only after
//   nodeGpu() (the unit tests read WGSL structs without a GPU). The values are WebGPU's.

const scope = globalThis as unknown as Record<string, unknown>;

scope.Float16Array ??= class Float16ArrayUnavailable {
  constructor() {
    throw new Error('Float16Array is not available in this runtime (webgpu-utils asked for an f16 view)');
  }
};

scope.GPUShaderStage ??= { VERTEX: 1, FRAGMENT: 2, COMPUTE: 4 };
