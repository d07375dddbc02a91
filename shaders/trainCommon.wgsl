// trainCommon: what the training kernels share: finiteness tests, σ and the update rule. No
// bindings. CPU twins in src/core/trainStep.ts (sigmoid, updateParam). Composed by
// src/gpu/trainShaders.ts.

// A bit test, not x == x: NaN and ±∞ must be caught even where the compiler assumes finite math.
fn is_finite_f32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

fn is_nan_f32(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn all_finite4(x: vec4f) -> bool {
  return all((bitcast<vec4u>(x) & vec4u(0x7f800000u)) != vec4u(0x7f800000u));
}

// σ(z) with exp only of −|z| (never overflows).
fn train_sigmoid4(z: vec4f) -> vec4f {
  let e = exp(-abs(z));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), z >= vec4f(0.0));
}

// THEORY.md's update of one parameter w with gradient g (CPU twin: updateParam in
// src/core/trainStep.ts). penalty: one of the UPDATE_* codes (PARAM_UPDATE_CODES in
// src/core/trainStep.ts); biases are never penalized. alpha_lambda = αλ, decay = 1 − 2αλ.
fn update_param(w: f32, g: f32, is_bias: bool, penalty: u32, alpha: f32, alpha_lambda: f32, decay: f32) -> f32 {
  if (is_bias) {
    return w - alpha * g;
  }
  switch (penalty) {
    case UPDATE_PLAIN: { return w - alpha * g; }
    case UPDATE_L1_PROXIMAL: {
      let u = w - alpha * g;
      let shrunk = abs(u) - alpha_lambda;
      // NaN stays NaN (a diverged copy must not turn into exact zeros, which would look like sparsity).
      return select(select(0.0, sign(u) * shrunk, shrunk > 0.0), u, is_nan_f32(u));
    }
    case UPDATE_L1_SUBGRADIENT: { return w - alpha * g - alpha_lambda * sign(w); }
    case UPDATE_L2_DECAY: { return decay * w - alpha * g; }
    default: { return bitcast<f32>(bitcast<u32>(w) | 0x7fc00000u); } // NaN: no such code (src/gpu/wgslCodes.ts)
  }
}

// What the metrics kernels write per copy (trainMetrics, trainMetricsUnrolled): the f32 bits of the
// four metrics, in the order of Metric in src/core/trainMetrics.ts (bits: a NaN literal is not a
// valid WGSL constant, and a diverged copy writes NaN).
struct CopyMetrics {
  trainLoss: u32,
  trainAccuracy: u32,
  testLoss: u32,
  testAccuracy: u32,
}
