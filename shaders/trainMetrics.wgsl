// trainMetrics: bindings 0 params (uniform TrainMetricsParams), 1 layout_table (storage read),
// 2 points (storage read, quads of 4 vec4f: x0, x1, label, mask; training quads first, then test
// quads; src/core/trainLayout.ts), 3 weights (storage read, K·P), 4 metrics (storage rw, one
// CopyMetrics per copy, shaders/trainCommon.wgsl). CPU twin: trainMetrics in src/core/trainMetrics.ts.
// Needs shaders/trainCommon.wgsl, shaders/trainLayout.wgsl, shaders/trainForward.wgsl and
// shaders/common/activations.wgsl.
//
// One workgroup per copy; invocations stride over the quads, then a tree sum in workgroup memory.
// A copy with a non-finite parameter, logit or mean loss gets NaN in all four (diverged).

struct TrainMetricsParams {
  copies: u32,
  paramCount: u32,
  layerCount: u32,
  trainCount: u32,
  testCount: u32,
  trainQuads: u32,
  testQuads: u32,
}

@group(0) @binding(0) var<uniform> params: TrainMetricsParams;
@group(0) @binding(1) var<storage, read> layout_table: array<u32>;
@group(0) @binding(2) var<storage, read> points: array<vec4f>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> metrics: array<CopyMetrics>;

override WORKGROUP_SIZE: u32 = 64u; // a power of two (tree sum)

var<workgroup> partial_sums: array<vec4f, WORKGROUP_SIZE>;
var<workgroup> partial_bad: array<u32, WORKGROUP_SIZE>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn trainMetrics(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) slot: u32) {
  let copy = group.x;
  if (copy >= params.copies) {
    return;
  }
  let w_base = copy * params.paramCount;
  var bad = 0u;
  for (var p = slot; p < params.paramCount; p += WORKGROUP_SIZE) {
    bad += select(1u, 0u, is_finite_f32(weights[w_base + p]));
  }
  // (train loss, train correct, test loss, test correct)
  var sums = vec4f(0.0);
  let quad_count = params.trainQuads + params.testQuads;
  for (var quad = slot; quad < quad_count; quad += WORKGROUP_SIZE) {
    let label = points[4u * quad + 2u];
    let mask = points[4u * quad + 3u];
    let logit = network_logit4(w_base, params.layerCount, points[4u * quad], points[4u * quad + 1u]);
    bad += select(1u, 0u, all_finite4(logit));
    // ℓ = softplus(z) − y·z = max(z, 0) − y·z + log(1 + e^{−|z|})
    let loss = max(logit, vec4f(0.0)) - label * logit + log(1.0 + exp(-abs(logit)));
    let correct = select(vec4f(0.0), vec4f(1.0), (logit > vec4f(0.0)) == (label > vec4f(0.5)));
    let quad_sums = vec2f(dot(loss, mask), dot(correct, mask));
    if (quad < params.trainQuads) {
      sums += vec4f(quad_sums, 0.0, 0.0);
    } else {
      sums += vec4f(0.0, 0.0, quad_sums);
    }
  }
  partial_sums[slot] = sums;
  partial_bad[slot] = bad;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (slot < stride) {
      partial_sums[slot] += partial_sums[slot + stride];
      partial_bad[slot] += partial_bad[slot + stride];
    }
    workgroupBarrier();
  }
  if (slot == 0u) {
    let total = partial_sums[0];
    let train = f32(params.trainCount);
    let test = f32(params.testCount);
    let mean = vec4f(total.x / train, total.y / train, total.z / test, total.w / test);
    let diverged = partial_bad[0] > 0u || !is_finite_f32(mean.x) || !is_finite_f32(mean.z);
    let bits = select(bitcast<vec4u>(mean), vec4u(0x7fc00000u), diverged);
    metrics[copy] = CopyMetrics(bits.x, bits.y, bits.z, bits.w);
  }
}
