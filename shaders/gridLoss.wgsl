// gridLoss: bindings 0 params (uniform), 1 points (storage read, one DataPoint per data point; a
// 1-element dummy for analytic models), 2 dataLoss (storage rw, f32, index j·G + i).
// CPU twin: gridLoss in src/core/gridLoss.ts (J of src/core/landscapeModels.ts, modelLoss).
// Needs shaders/common/rng.wgsl for cos_sin_turns (composed by src/gpu/shaderSource.ts).
//
// One pipeline per model: MODEL is an override constant, so each pipeline keeps only its own branch
// (the switches below fold at pipeline creation; a uniform switch measured 7x slower on SwiftShader).
// Each invocation computes CELLS_PER_INVOCATION = 8 neighbouring cells of one row (w1 varies, w2 is
// shared) in named registers, so every data point is loaded once per 8 cells: on SwiftShader 1 cell per
// invocation ran at ~80 M terms/s, 4 cells ~320 M, 8 cells ~420 M (G = 1024, N = 256, linear).
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
fn log1p_unit(e: f32) -> f32 {
  let t = e / (2.0 + e);
  let t2 = t * t;
  let series = 1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0 + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 * (1.0 / 11.0
    + t2 * (1.0 / 13.0 + t2 * (1.0 / 15.0 + t2 * (1.0 / 17.0))))))));
  return 2.0 * t * series;
}

// softplus(s) = log(1 + e^s) without overflow: max(s, 0) + log1p(e^−|s|).
fn softplus(s: f32) -> f32 {
  return max(s, 0.0) + log1p_unit(exp(-abs(s)));
}

// NaN: what a model without its case would give (src/gpu/wgslCodes.ts checks that none is missing).
fn unknown_model(w: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(w) | 0x7fc00000u);
}

// One data point's term of J (before the 1/N mean).
fn point_term(w1: f32, w2: f32, p: DataPoint) -> f32 {
  switch (MODEL) {
    case MODEL_LINEAR: {
      let residual = p.y - w1 * p.x1 - w2 * p.x2;
      return residual * residual;
    }
    case MODEL_LOGISTIC: {
      let s = w1 * p.x1 + w2 * p.x2;
      return softplus(s) - p.y * s;
    }
    case MODEL_TANH_NET: { // WGSL tanh can return NaN beyond |x| ~ 88, and |x| ≤ 15 is exact in f32.
      let residual = p.y - w2 * tanh(clamp(w1 * p.x1, -15.0, 15.0));
      return residual * residual;
    }
    default: { return unknown_model(w1); } // an analytic model: never called for it (uses_data)
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
  let w1_0 = params.w1Min + f32(i0) * params.w1Step;
  let w1_1 = params.w1Min + f32(min(i0 + 1u, last)) * params.w1Step;
  let w1_2 = params.w1Min + f32(min(i0 + 2u, last)) * params.w1Step;
  let w1_3 = params.w1Min + f32(min(i0 + 3u, last)) * params.w1Step;
  let w1_4 = params.w1Min + f32(min(i0 + 4u, last)) * params.w1Step;
  let w1_5 = params.w1Min + f32(min(i0 + 5u, last)) * params.w1Step;
  let w1_6 = params.w1Min + f32(min(i0 + 6u, last)) * params.w1Step;
  let w1_7 = params.w1Min + f32(min(i0 + 7u, last)) * params.w1Step;

  var loss0: f32;
  var loss1: f32;
  var loss2: f32;
  var loss3: f32;
  var loss4: f32;
  var loss5: f32;
  var loss6: f32;
  var loss7: f32;
  if (uses_data()) {
    let n = params.n;
    var total0 = 0.0;
    var total1 = 0.0;
    var total2 = 0.0;
    var total3 = 0.0;
    var total4 = 0.0;
    var total5 = 0.0;
    var total6 = 0.0;
    var total7 = 0.0;
    for (var blockStart = 0u; blockStart < n; blockStart += SUM_BLOCK) {
      let blockEnd = min(blockStart + SUM_BLOCK, n);
      var block0 = 0.0;
      var block1 = 0.0;
      var block2 = 0.0;
      var block3 = 0.0;
      var block4 = 0.0;
      var block5 = 0.0;
      var block6 = 0.0;
      var block7 = 0.0;
      for (var k = blockStart; k < blockEnd; k++) {
        let p = points[k];
        block0 += point_term(w1_0, w2, p);
        block1 += point_term(w1_1, w2, p);
        block2 += point_term(w1_2, w2, p);
        block3 += point_term(w1_3, w2, p);
        block4 += point_term(w1_4, w2, p);
        block5 += point_term(w1_5, w2, p);
        block6 += point_term(w1_6, w2, p);
        block7 += point_term(w1_7, w2, p);
      }
      total0 += block0;
      total1 += block1;
      total2 += block2;
      total3 += block3;
      total4 += block4;
      total5 += block5;
      total6 += block6;
      total7 += block7;
    }
    let count = f32(n);
    loss0 = total0 / count;
    loss1 = total1 / count;
    loss2 = total2 / count;
    loss3 = total3 / count;
    loss4 = total4 / count;
    loss5 = total5 / count;
    loss6 = total6 / count;
    loss7 = total7 / count;
  } else {
    loss0 = analytic_loss(w1_0, w2);
    loss1 = analytic_loss(w1_1, w2);
    loss2 = analytic_loss(w1_2, w2);
    loss3 = analytic_loss(w1_3, w2);
    loss4 = analytic_loss(w1_4, w2);
    loss5 = analytic_loss(w1_5, w2);
    loss6 = analytic_loss(w1_6, w2);
    loss7 = analytic_loss(w1_7, w2);
  }

  let row = j * G + i0;
  dataLoss[row] = loss0;
  if (i0 + 1u < G) { dataLoss[row + 1u] = loss1; }
  if (i0 + 2u < G) { dataLoss[row + 2u] = loss2; }
  if (i0 + 3u < G) { dataLoss[row + 3u] = loss3; }
  if (i0 + 4u < G) { dataLoss[row + 4u] = loss4; }
  if (i0 + 5u < G) { dataLoss[row + 5u] = loss5; }
  if (i0 + 6u < G) { dataLoss[row + 6u] = loss6; }
  if (i0 + 7u < G) { dataLoss[row + 7u] = loss7; }
}
