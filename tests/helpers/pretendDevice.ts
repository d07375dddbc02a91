// A real device as an engine sees it, with lies for the tests of the error paths:
// - `limits` larger than the device's: a planner then asks for buffers over the real limits, which the
//   device refuses with a validation error (an allocation over a limit);
// - `maxBufferBytes`: a buffer larger than this is refused as a device short of memory would refuse it
//   (the real device is asked for one over its maxBufferSize: a real GPU error in the caller's scope).
// Every buffer made through it is tracked, so a test can ask which ones were never destroyed.

type Limits = Partial<Record<keyof GPUSupportedLimits, number>>;

export interface PretendDevice {
  device: GPUDevice;
  /** Buffers created through `device` and not destroyed since. */
  live(): GPUBuffer[];
  /** Buffers refused because of maxBufferBytes. */
  refused: number;
}

export function pretendDevice(real: GPUDevice, lies: { limits?: Limits; maxBufferBytes?: number }): PretendDevice {
  const live = new Set<GPUBuffer>();
  const state = { refused: 0 };
  const limits = new Proxy(real.limits, {
    get: (target, key) =>
      typeof key === 'string' && lies.limits && key in lies.limits
        ? lies.limits[key as keyof GPUSupportedLimits]
        : Reflect.get(target, key, target),
  });
  const createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
    const tooLarge = lies.maxBufferBytes !== undefined && descriptor.size > lies.maxBufferBytes;
    if (tooLarge) state.refused++;
    const size = tooLarge ? real.limits.maxBufferSize + 4096 : descriptor.size;
    const buffer = real.createBuffer({ ...descriptor, size });
    const destroy = buffer.destroy.bind(buffer);
    live.add(buffer);
    buffer.destroy = () => {
      live.delete(buffer);
      destroy();
    };
    return buffer;
  };
  const device = new Proxy(real, {
    get(target, key) {
      if (key === 'limits') return limits;
      if (key === 'createBuffer') return createBuffer;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    device,
    live: () => [...live],
    get refused() {
      return state.refused;
    },
  };
}
