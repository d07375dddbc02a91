// One Dawn device per test file. A missing adapter FAILS (it never skips): the GPU path is the
// point of these tests, and CI must not turn green without it.
// Call useTestGpu() at the top level of a test file; it registers the hooks that open and close it.
import { afterAll, beforeAll } from 'vitest';
import { describeAdapter, type GpuContext, requestGpu } from '../../src/gpu/device';
import { nodeGpu } from '../../src/gpu/nodeGpu';

export function useTestGpu(): () => GpuContext {
  let context: GpuContext | undefined;
  beforeAll(async () => {
    context = await requestGpu(await nodeGpu(), { label: 'test device' });
    console.info(`[gpu tests] adapter: ${describeAdapter(context.adapter)}`);
  });
  afterAll(() => {
    context?.device.destroy();
  });
  return () => {
    if (!context) throw new Error('the test GPU was not created (see the beforeAll error)');
    return context;
  };
}
