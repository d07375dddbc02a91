// gridArgmin: bindings 0 params (uniform), 1 values (storage read, f32), 2 partials (storage rw,
// one GridArgminPartial per workgroup). CPU twin: gridArgmin in src/core/gridLoss.ts; the partials are
// combined on the CPU (src/gpu/gridArgmin.ts, combineArgminPartials).
// Each workgroup reduces WORKGROUP_SIZE · ITEMS_PER_INVOCATION consecutive values to the smallest finite
// value, its index (the first in index order on ties, like the twin) and the count of non-finite values.
// Finiteness is read from the bits: compilers may assume no NaN/Inf and fold `x != x` away.

struct GridArgminParams {
  count: u32,
  rowStride: u32, // workgroups per row of the 2D dispatch
  pad0: u32,
  pad1: u32,
}

struct GridArgminPartial {
  value: f32,
  index: u32, // NO_FINITE_VALUE when the workgroup saw no finite value
  nonFinite: u32,
  pad: u32,
}

@group(0) @binding(0) var<uniform> params: GridArgminParams;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<GridArgminPartial>;

override WORKGROUP_SIZE: u32 = 64u; // a power of two (tree reduction)
override ITEMS_PER_INVOCATION: u32 = 64u;

const NO_FINITE_VALUE: u32 = 0xffffffffu;

var<workgroup> bestValues: array<f32, WORKGROUP_SIZE>;
var<workgroup> bestIndices: array<u32, WORKGROUP_SIZE>;
var<workgroup> nonFiniteCounts: array<u32, WORKGROUP_SIZE>;

fn is_finite_bits(value: f32) -> bool {
  return (bitcast<u32>(value) & 0x7f800000u) != 0x7f800000u;
}

// (value a, index a) beats (value b, index b): smaller value, then smaller index; NO_FINITE_VALUE loses.
fn better(valueA: f32, indexA: u32, valueB: f32, indexB: u32) -> bool {
  if (indexA == NO_FINITE_VALUE) {
    return false;
  }
  if (indexB == NO_FINITE_VALUE) {
    return true;
  }
  return valueA < valueB || (valueA == valueB && indexA < indexB);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn gridArgmin(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) local: u32) {
  let groupIndex = group.y * params.rowStride + group.x;
  let first = groupIndex * WORKGROUP_SIZE * ITEMS_PER_INVOCATION;
  // The spare workgroups of a 2D dispatch (workgroup-uniform, so returning before the barriers is allowed).
  if (first >= params.count) {
    return;
  }
  var bestValue = 0.0;
  var bestIndex = NO_FINITE_VALUE;
  var nonFinite = 0u;
  // Strided by the workgroup size so neighbouring invocations read neighbouring values; within one
  // invocation indices increase, so `<` keeps the first of equal values.
  for (var item = 0u; item < ITEMS_PER_INVOCATION; item++) {
    let index = first + item * WORKGROUP_SIZE + local;
    if (index < params.count) {
      let value = values[index];
      if (!is_finite_bits(value)) {
        nonFinite += 1u;
      } else if (bestIndex == NO_FINITE_VALUE || value < bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    }
  }
  bestValues[local] = bestValue;
  bestIndices[local] = bestIndex;
  nonFiniteCounts[local] = nonFinite;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (local < stride) {
      let other = local + stride;
      if (better(bestValues[other], bestIndices[other], bestValues[local], bestIndices[local])) {
        bestValues[local] = bestValues[other];
        bestIndices[local] = bestIndices[other];
      }
      nonFiniteCounts[local] += nonFiniteCounts[other];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    partials[groupIndex] = GridArgminPartial(bestValues[0], bestIndices[0], nonFiniteCounts[0], 0u);
  }
}
