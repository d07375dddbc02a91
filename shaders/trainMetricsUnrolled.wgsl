// trainMetricsUnrolled: bindings 0 params (uniform TrainMetricsUnrolledParams), 1 points (storage
// read, quads of 4 vec4f: x0, x1, label, mask; training quads, then test quads), 2 weights (storage
// read, K·P), 3 metrics (storage rw, one CopyMetrics per copy, shaders/trainCommon.wgsl). CPU twin:
// trainMetrics in src/core/trainMetrics.ts. Needs shaders/trainCommon.wgsl and
// shaders/common/activations.wgsl.
//
// The register-only variant of shaders/trainMetrics.wgsl for small networks: one invocation per
// copy, every weight and unit a named register. The /*@…*/ markers are filled by
// src/gpu/unrolledNetwork.ts for one layout (load; finite: the weight checks; forward, ending in
// `logit`).
// A copy with a non-finite parameter, logit or mean loss gets NaN in all four (diverged).

struct TrainMetricsUnrolledParams {
  copies: u32,
  trainCount: u32,
  testCount: u32,
  trainQuads: u32,
  testQuads: u32,
}

@group(0) @binding(0) var<uniform> params: TrainMetricsUnrolledParams;
@group(0) @binding(1) var<storage, read> points: array<vec4f>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> metrics: array<CopyMetrics>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn trainMetricsUnrolled(@builtin(global_invocation_id) id: vec3u) {
  let copy = id.x;
  if (copy >= params.copies) {
    return;
  }
  let base = copy * PARAM_COUNT;
  /*@load*/
  var finite = true;
  /*@finite*/
  // (train loss, train correct, test loss, test correct)
  var sums = vec4f(0.0);
  let quad_count = params.trainQuads + params.testQuads;
  for (var quad = 0u; quad < quad_count; quad++) {
    let x0 = points[4u * quad];
    let x1 = points[4u * quad + 1u];
    let label = points[4u * quad + 2u];
    let mask = points[4u * quad + 3u];
    /*@forward*/
    finite = finite && all_finite4(logit);
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
  let train = f32(params.trainCount);
  let test = f32(params.testCount);
  let mean = vec4f(sums.x / train, sums.y / train, sums.z / test, sums.w / test);
  let diverged = !finite || !is_finite_f32(mean.x) || !is_finite_f32(mean.z);
  let bits = select(bitcast<vec4u>(mean), vec4u(0x7fc00000u), diverged);
  metrics[copy] = CopyMetrics(bits.x, bits.y, bits.z, bits.w);
}
