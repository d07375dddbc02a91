// phaseStats: bindings 0 params (uniform), 1 z[l] (storage read, f32), 2 δ[l] (storage read, f32),
// 3 records (storage rw, PhaseRecord per (init, layer)).
// CPU twin: writeRecord and pairCosine in src/core/phase.ts. LANES invocations per init of the chunk:
//   zSquare = Σ_{r,i} z², cosine = Σ_p z₁·z₂ / √(|z₁|² |z₂|²) (0 for a pair with a zero row),
//   deltaSquare = Σ δ², finite = 0 when any z or δ value of the layer is not finite.
// f32 cannot hold the squares of an exploding or vanishing layer (|z| ~ 1e20 or 1e-20 are common in a
// phase diagram), so the sums are taken over values scaled by 2^−e, e the exponent of the layer's
// largest |z| (|δ|): the record carries the scaled sum and e (the runner multiplies by 4^e in f64).
// The cosine does not depend on the scale.

struct StatsParams {
  inits: u32,
  pairs: u32, // B: rows 2p and 2p + 1
  batchPadded: u32,
  n: u32,
  ld: u32,
  depth: u32,
  layer: u32, // l − 1
  groupsX: u32,
}

struct PhaseRecord {
  zSquare: f32, // Σ (z · 2^−zExponent)²
  zExponent: i32,
  cosine: f32,
  deltaSquare: f32, // Σ (δ · 2^−deltaExponent)²
  deltaExponent: i32,
  finite: u32,
}

@group(0) @binding(0) var<uniform> params: StatsParams;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> delta: array<f32>;
@group(0) @binding(3) var<storage, read_write> records: array<PhaseRecord>;

// LANES invocations share one init (a power of two dividing WORKGROUP): 64 on a GPU for wide layers,
// 1 on a software adapter for small ones, where a workgroup's fixed cost (its barriers, ~0.1 ms) was most
// of the kernel when each init had its own workgroup.
override WORKGROUP: u32 = 64u;
override LANES: u32 = 64u;

var<workgroup> partials: array<vec4f, WORKGROUP>;

fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// e with 2^e ≤ x < 2^(e+1) for a normal x (−126 for 0 and subnormals), kept within [−126, 126] so that
// 2^−e is a normal f32.
fn exponent_of(x: f32) -> i32 {
  return clamp(i32((bitcast<u32>(x) >> 23u) & 0xffu) - 127, -126, 126);
}

fn power_of_two(e: i32) -> f32 {
  return bitcast<f32>(u32(e + 127) << 23u);
}

// The sum (or, with largest, the maximum) of `value` over the LANES lanes of one init, given to all of them.
fn reduce_lanes(local: u32, value: vec4f, largest: bool) -> vec4f {
  partials[local] = value;
  workgroupBarrier();
  let lane = local % LANES;
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      let other = partials[local + stride];
      partials[local] = select(partials[local] + other, max(partials[local], other), largest);
    }
    workgroupBarrier();
  }
  let total = partials[local - lane];
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(WORKGROUP)
fn phaseStats(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) local: u32) {
  // Every lane runs the barriers; lanes of inits past the chunk's end only load nothing.
  let kc = (group.y * params.groupsX + group.x) * (WORKGROUP / LANES) + local / LANES;
  let lane = local % LANES;
  let live = kc < params.inits;
  let count = select(0u, 2u * params.pairs * params.n, live);
  let base = kc * params.batchPadded * params.ld;
  // Pass 1: the largest finite |z| and |δ|, and whether any value is not finite.
  var largest = vec4f(0.0);
  for (var e = lane; e < count; e += LANES) {
    let at = base + (e / params.n) * params.ld + e % params.n;
    let zValue = z[at];
    let dValue = delta[at];
    let zOk = is_finite(zValue);
    let dOk = is_finite(dValue);
    largest = max(largest, vec4f(
      select(0.0, abs(zValue), zOk),
      select(0.0, abs(dValue), dOk),
      select(1.0, 0.0, zOk && dOk),
      0.0,
    ));
  }
  let maxima = reduce_lanes(local, largest, true);
  let zExponent = exponent_of(maxima.x);
  let deltaExponent = exponent_of(maxima.y);
  let zScale = power_of_two(-zExponent);
  let deltaScale = power_of_two(-deltaExponent);
  // Pass 2, pair by pair: (|z₁|², |z₂|², z₁·z₂, Σ δ²) of the scaled values.
  let n = select(0u, params.n, live);
  var zSquare = 0.0;
  var deltaSquare = 0.0;
  var cosine = 0.0;
  for (var p = 0u; p < params.pairs; p++) {
    let first = base + 2u * p * params.ld;
    var sums = vec4f(0.0);
    for (var i = lane; i < n; i += LANES) {
      let z1 = zScale * z[first + i];
      let z2 = zScale * z[first + params.ld + i];
      let d1 = deltaScale * delta[first + i];
      let d2 = deltaScale * delta[first + params.ld + i];
      sums += vec4f(z1 * z1, z2 * z2, z1 * z2, d1 * d1 + d2 * d2);
    }
    let pair = reduce_lanes(local, sums, false);
    zSquare += pair.x + pair.y;
    deltaSquare += pair.w;
    let norm = sqrt(pair.x) * sqrt(pair.y);
    cosine += select(0.0, pair.z / norm, norm > 0.0);
  }
  if (live && lane == 0u) {
    records[kc * params.depth + params.layer] = PhaseRecord(
      zSquare,
      zExponent,
      cosine,
      deltaSquare,
      deltaExponent,
      select(1u, 0u, maxima.z > 0.0),
    );
  }
}
