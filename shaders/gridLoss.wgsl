// gridLoss: bindings 0 params (uniform), 1 points (storage read, one DataPoint per data point; a
// 1-element dummy for analytic models), 2 dataLoss (storage rw, f32, index j·G + i).
// CPU twin: gridLoss in src/core/gridLoss.ts (J of src/core/landscapeModels.ts, modelLoss).
// Needs shaders/common/rng.wgsl for cos_sin_turns and shaders/common/activations.wgsl for clamped_tanh4
// (composed by src/gpu/shaderSource.ts).
//
// One pipeline per model: MODEL is an override constant, so each pipeline keeps only its own branch
// (the switches below fold at pipeline creation; a uniform switch measured 7x slower on SwiftShader).
// Each invocation computes CELLS_PER_INVOCATION = 8 neighbouring cells of one row (w1 varies, w2 is
// shared) as two vec4f in registers, so every data point is loaded once per 8 cells: on SwiftShader 1 cell
// per invocation ran at ~80 M terms/s, 4 cells ~320 M, 8 cells ~420 M (G = 1024, N = 256, linear).
// Registers, not a private array: SwiftShader turns private arrays into memory traffic (ENVIRONMENT.md).

struct GridLossParams {
  w1Min: f32,
  w1Step: f32, // (w1Max − w1Min) / (G − 1)
  w2Min: f32,
  w2Step: f32,
  G: u32,
  n: u32, // data points (0 for analytic models)
  rowOffset: u32, // the first row of this dispatch's band (big grids go in bands, one submission each)
  rowEnd: u32, // one past its last row (≤ G)
  quadratic: vec4f, // h1, h2, a1, a2 of the 'quadratic' model
}

// One data point (x1, x2, y), padded to 16 bytes: one load per point.
struct DataPoint {
  x1: f32,
  x2: f32,
  y: f32,
  unused: f32,
}

@group(0) @binding(0) var<uniform> params: GridLossParams;
@group(0) @binding(1) var<storage, read> points: array<DataPoint>;
@group(0) @binding(2) var<storage, read_write> dataLoss: array<f32>;

// One of the MODEL_* codes: the model's index in REGULARIZATION_MODELS (src/core/regularizationModels.ts),
// written in front of the kernel by src/gpu/wgslCodes.ts. No default: every pipeline names its model.
override MODEL: u32;
override WORKGROUP_SIZE_X: u32 = 16u;
override WORKGROUP_SIZE_Y: u32 = 4u;

const CELLS_PER_INVOCATION: u32 = 8u;
// Terms are summed in blocks: the f32 rounding error then grows like (BLOCK + n / BLOCK)·ε instead of n·ε.
const SUM_BLOCK: u32 = 64u;

// log(1 + e) for e in [0, 1] without the cancellation of log(1 + e) when e is tiny (WGSL has no log1p):
// log1p(e) = 2·atanh(t), t = e / (2 + e) ≤ 1/3; nine odd terms leave a truncation error below 1e-10.
fn log1p_unit4(e: vec4f) -> vec4f {
  let t = e / (2.0 + e);
  let t2 = t * t;
  let series = 1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 * (1.0 / 11.0
    + t2 * (1.0 / 13.0 + t2 * (1.0 / 15.0 + t2 * (1.0 / 17.0))))))));
  return 2.0 * t * series;
}

// softplus(s) = log(1 + e^s) without overflow: max(s, 0) + log1p(e^−|s|).
fn softplus4(s: vec4f) -> vec4f {
  return max(s, vec4f(0.0)) + log1p_unit4(exp(-abs(s)));
}

// NaN: what a model without its case would give (src/gpu/wgslCodes.ts checks that none is missing).
fn unknown_model(w: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(w) | 0x7fc00000u);
}

// One data point's terms of J (before the 1/N mean) at four cells w1 of one row (w2 shared).
fn point_terms(w1: vec4f, w2: f32, p: DataPoint) -> vec4f {
  switch (MODEL) {
    case MODEL_LINEAR: {
      let residual = p.y - w1 * p.x1 - w2 * p.x2;
      return residual * residual;
    }
    case MODEL_LOGISTIC: {
      let s = w1 * p.x1 + w2 * p.x2;
      return softplus4(s) - p.y * s;
    }
    case MODEL_TANH_NET: {
      // The exp-based tanh of the activations (its clamp at |z| = 15 included), not the built-in: WGSL
      // allows the built-in 1e-5 absolute error (tests/gpu/gridLoss.test.ts has the bound of this one).
      let residual = p.y - w2 * clamped_tanh4(w1 * p.x1);
      return residual * residual;
    }
    default: { return vec4f(unknown_model(w1.x)); } // an analytic model: never called for it (uses_data)
  }
}

// cos(2π·w) through the exact quadrant reduction of shaders/common/rng.wgsl (built-in cos: 2^-11 only).
fn cos_two_pi(w: f32) -> f32 {
  return cos_sin_turns(w - floor(w)).x;
}

fn analytic_loss(w1: f32, w2: f32) -> f32 {
  switch (MODEL) {
    case MODEL_HIMMELBLAU: {
      let a = w1 * w1 + w2 - 11.0;
      let b = w1 + w2 * w2 - 7.0;
      return a * a + b * b;
    }
    case MODEL_ROSENBROCK: {
      let a = 1.0 - w1;
      let b = w2 - w1 * w1;
      return a * a + 100.0 * b * b;
    }
    case MODEL_BEALE: {
      let a = 1.5 - w1 + w1 * w2;
      let b = 2.25 - w1 + w1 * w2 * w2;
      let c = 2.625 - w1 + w1 * w2 * w2 * w2;
      return a * a + b * b + c * c;
    }
    case MODEL_RASTRIGIN: {
      return 20.0 + (w1 * w1 - 10.0 * cos_two_pi(w1)) + (w2 * w2 - 10.0 * cos_two_pi(w2));
    }
    case MODEL_QUADRATIC: { // ½·h1·(w1 − a1)² + ½·h2·(w2 − a2)²
      let q = params.quadratic;
      let d1 = w1 - q.z;
      let d2 = w2 - q.w;
      return 0.5 * q.x * d1 * d1 + 0.5 * q.y * d2 * d2;
    }
    default: { return unknown_model(w1); } // a data model: never called for it (uses_data)
  }
}

fn uses_data() -> bool {
  return MODEL == MODEL_LINEAR || MODEL == MODEL_LOGISTIC || MODEL == MODEL_TANH_NET;
}

@compute @workgroup_size(WORKGROUP_SIZE_X, WORKGROUP_SIZE_Y)
fn gridLoss(@builtin(global_invocation_id) id: vec3u) {
  let G = params.G;
  let i0 = id.x * CELLS_PER_INVOCATION;
  let j = params.rowOffset + id.y;
  if (i0 >= G || j >= params.rowEnd) {
    return;
  }
  let w2 = params.w2Min + f32(j) * params.w2Step;
  // Cells past the row end (G not a multiple of 8) are computed at the last column and not stored.
  let last = G - 1u;
  let columns_low = min(vec4u(i0) + vec4u(0u, 1u, 2u, 3u), vec4u(last));
  let columns_high = min(vec4u(i0) + vec4u(4u, 5u, 6u, 7u), vec4u(last));
  let w1_low = params.w1Min + vec4f(columns_low) * params.w1Step;
  let w1_high = params.w1Min + vec4f(columns_high) * params.w1Step;

  var loss_low: vec4f;
  var loss_high: vec4f;
  if (uses_data()) {
    let n = params.n;
    var total_low = vec4f(0.0);
    var total_high = vec4f(0.0);
    for (var blockStart = 0u; blockStart < n; blockStart += SUM_BLOCK) {
      let blockEnd = min(blockStart + SUM_BLOCK, n);
      var block_low = vec4f(0.0);
      var block_high = vec4f(0.0);
      for (var k = blockStart; k < blockEnd; k++) {
        let p = points[k];
        block_low += point_terms(w1_low, w2, p);
        block_high += point_terms(w1_high, w2, p);
      }
      total_low += block_low;
      total_high += block_high;
    }
    let count = f32(n);
    loss_low = total_low / count;
    loss_high = total_high / count;
  } else {
    loss_low = vec4f(analytic_loss(w1_low.x, w2), analytic_loss(w1_low.y, w2), analytic_loss(w1_low.z, w2),
      analytic_loss(w1_low.w, w2));
    loss_high = vec4f(analytic_loss(w1_high.x, w2), analytic_loss(w1_high.y, w2), analytic_loss(w1_high.z, w2),
      analytic_loss(w1_high.w, w2));
  }

  let row = j * G + i0;
  dataLoss[row] = loss_low.x;
  if (i0 + 1u < G) { dataLoss[row + 1u] = loss_low.y; }
  if (i0 + 2u < G) { dataLoss[row + 2u] = loss_low.z; }
  if (i0 + 3u < G) { dataLoss[row + 3u] = loss_low.w; }
  if (i0 + 4u < G) { dataLoss[row + 4u] = loss_high.x; }
  if (i0 + 5u < G) { dataLoss[row + 5u] = loss_high.y; }
  if (i0 + 6u < G) { dataLoss[row + 6u] = loss_high.z; }
  if (i0 + 7u < G) { dataLoss[row + 7u] = loss_high.w; }
}
