// Preloaded into the command line (node --import) by tests/unit/cliFaults.test.ts: every GPU device
// refuses a buffer over GPU_MAX_BUFFER_BYTES, as a device short of memory would. The buffer is asked
// of the real device with a size over its maxBufferSize, so the error is a real GPU error in the
// engine's error scope; nothing in src/ knows about it.
import { globals } from 'webgpu';

const limit = Number(process.env.GPU_MAX_BUFFER_BYTES);
if (Number.isFinite(limit)) {
  const prototype = globals.GPUDevice.prototype;
  const createBuffer = prototype.createBuffer;
  prototype.createBuffer = function createBufferWithin(descriptor) {
    const size = descriptor.size > limit ? this.limits.maxBufferSize + 4096 : descriptor.size;
    return createBuffer.call(this, { ...descriptor, size });
  };
}
