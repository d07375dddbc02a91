// The activation φ and its derivative φ', componentwise on vec4f. CPU twin: src/core/activations.ts.
// ACTIVATION: one of the ACTIVATION_* codes (ACTIVATION_CODES in src/core/activations.ts, written in
// front of the kernel by src/gpu/wgslCodes.ts); an override constant, one pipeline per activation.
// tanh clamps |z| ≤ 15 as the CPU twin does (tanh(15) = 1 in f32).
// NaN must survive (it is counted, never hidden), so the clamp is skipped for NaN lanes.

override ACTIVATION: u32; // no default: every pipeline names its activation
const TANH_CLAMP: f32 = 15.0;

fn is_nan4(z: vec4f) -> vec4<bool> {
  return (bitcast<vec4u>(z) & vec4u(0x7fffffffu)) > vec4u(0x7f800000u);
}

// tanh with relative accuracy for small |z| too: the built-in is sinh/cosh-based and loses
// digits as z → 0 (1e-4 relative at z ~ 1e-3, which vanishing networks reach). Odd Taylor series
// below |z| = 0.2 (next term < 1e-9 relative), (1 − e)/(1 + e) with e = exp(−2|z|) above.
fn clamped_tanh4(z: vec4f) -> vec4f {
  let x = min(abs(z), vec4f(TANH_CLAMP));
  let e = exp(-2.0 * x);
  let large = (1.0 - e) / (1.0 + e);
  let x2 = x * x;
  let small = x * (1.0 + x2 * (-1.0 / 3.0 + x2 * (2.0 / 15.0 + x2 * (-17.0 / 315.0 + x2 * (62.0 / 2835.0)))));
  let magnitude = select(large, small, x < vec4f(0.2));
  return select(select(magnitude, -magnitude, z < vec4f(0.0)), z, is_nan4(z));
}

// tanh'(z) = sech²(z) = 4e / (1 + e)², e = exp(−2|z|): no cancellation where tanh saturates
// (1 − tanh² in f32 is 0 there, while the true value is tiny but not 0).
fn tanh_prime4(z: vec4f) -> vec4f {
  let e = exp(-2.0 * min(abs(z), vec4f(TANH_CLAMP)));
  return select(4.0 * e / ((1.0 + e) * (1.0 + e)), z, is_nan4(z));
}

// NaN in every lane: what a code outside the table would give (never reached, see src/gpu/wgslCodes.ts).
fn unknown_activation4(z: vec4f) -> vec4f {
  return bitcast<vec4f>(bitcast<vec4u>(z) | vec4u(0x7fc00000u));
}

fn phi4(z: vec4f) -> vec4f {
  switch (ACTIVATION) {
    case ACTIVATION_TANH: { return clamped_tanh4(z); }
    case ACTIVATION_SIGMOID: {
      // exp(−|z|) ≤ 1 never overflows; the two branches are the stable logistic.
      let e = exp(-abs(z));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), z >= vec4f(0.0)) + select(vec4f(0.0), z, is_nan4(z));
    }
    case ACTIVATION_RELU: { return select(max(z, vec4f(0.0)), z, is_nan4(z)); }
    case ACTIVATION_LINEAR: { return z; }
    default: { return unknown_activation4(z); }
  }
}

fn phi_prime4(z: vec4f) -> vec4f {
  switch (ACTIVATION) {
    case ACTIVATION_TANH: { return tanh_prime4(z); }
    case ACTIVATION_SIGMOID: {
      let e = exp(-abs(z));
      return e / ((1.0 + e) * (1.0 + e)) + select(vec4f(0.0), z, is_nan4(z));
    }
    case ACTIVATION_RELU: { return select(select(vec4f(0.0), vec4f(1.0), z > vec4f(0.0)), z, is_nan4(z)); }
    case ACTIVATION_LINEAR: { return vec4f(1.0) + select(vec4f(0.0), z, is_nan4(z)); }
    default: { return unknown_activation4(z); }
  }
}
