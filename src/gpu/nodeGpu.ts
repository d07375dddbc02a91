// WebGPU in Node through Dawn (the `webgpu` package), for the command line and the GPU tests.
// With no usable GPU the Vulkan loader is pointed at SwiftShader, the software driver that
// Debian's chromium package ships (../shared/ENVIRONMENT.md). Never imported by browser code.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, globals } from 'webgpu';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let installed = false;
// Dawn instances must outlive every adapter and device made from them: if the garbage
// collector finalizes a GPU object while its device is alive, dawn.node crashes the process.
const keptInstances: GPU[] = [];

// Dawn rounds timestamps down to multiples of ~65 µs by default (its timestamp_quantization toggle, a
// browser's guard against timing attacks): per-kernel GPU times of a few µs would read 0. The CLI and the
// tests run our own code only, so the stamps keep their nanoseconds (option syntax: the webgpu package's
// README; tests/gpu/kernelTimer.test.ts checks it).
const DAWN_OPTIONS = ['disable-dawn-features=timestamp_quantization'];

function createInstance(): GPU {
  const gpu = create(DAWN_OPTIONS) as GPU;
  keptInstances.push(gpu);
  return gpu;
}

/** A `navigator.gpu` for Node whose requestAdapter finds a hardware GPU, else SwiftShader. */
export async function nodeGpu(): Promise<GPU> {
  if (!installed) {
    Object.assign(globalThis, globals);
    // The Vulkan/Wayland stack complains on stderr without a runtime dir; give it a private one.
    process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'webgpu-runtime-'));
    installed = true;
  }
  const preferSoftware = process.env.WEBGPU_ADAPTER === 'software';
  if (!preferSoftware) {
    const gpu = createInstance();
    if (await gpu.requestAdapter()) return gpu;
  }
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  return createInstance();
}
