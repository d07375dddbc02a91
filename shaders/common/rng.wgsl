// Threefry2x32-20 counter-based generator, its uniform and Box–Muller normal draws.
// CPU twin: src/core/rng.ts (threefry2x32, uniformFromWord, normalPairFromWords), bit for bit.
// Rounds are written out with one function per rotation: SwiftShader turns loops over constant
// arrays into memory traffic (3–4x slower, ../shared/ENVIRONMENT.md). Written once by hand from the
// Random123 rotation table (13 15 26 6 17 29 16 24); tests/gpu/rng.test.ts checks every word.
// The stream tags RNG_STREAM_* come from Stream in src/core/rng.ts (src/gpu/wgslCodes.ts).

// Rotations. SwiftShader (Subzero) has no vector shift by a per-lane amount and runs `x >> s` one
// lane at a time, which made the shifts most of Threefry's cost. So x << r is x · 2^r (one vector
// multiply), and for s = 32 − r ≥ 9 the right shift is done exactly in f32: x with its low s bits
// cleared has at most 23 significant bits, so as an i32 it converts to f32 exactly, the product by
// 2^−s is an exact integer w in [−2^22, 2^22), and adding 1.5·2^23 puts w, two's complement, in the
// low bits of the f32's pattern; masking keeps the 32 − s bits of the logical shift. 1.7× faster
// Threefry on SwiftShader; every word still equals the CPU twin's (tests/gpu/rng.test.ts).
// A GPU has native (funnel) shifts: NATIVE_SHIFTS = true (the hardware kernel family) rotates with them, the
// same words (tests/gpu/rng.test.ts runs both). The override is resolved when the pipeline is built.
override NATIVE_SHIFTS: bool = false;
fn shift_right_exact(cleared: u32, scale: f32, keep: u32) -> u32 {
  return (bitcast<u32>(f32(bitcast<i32>(cleared)) * scale + 12582912.0) - 0x4b400000u) & keep;
}
fn rotl_13(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 13u) | (x >> 19u); }
  return (x * 0x2000u) | shift_right_exact(x & 0xfff80000u, 0x1p-19, 0x1fffu);
}
fn rotl_15(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 15u) | (x >> 17u); }
  return (x * 0x8000u) | shift_right_exact(x & 0xfffe0000u, 0x1p-17, 0x7fffu);
}
fn rotl_16(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 16u) | (x >> 16u); }
  return (x * 0x10000u) | shift_right_exact(x & 0xffff0000u, 0x1p-16, 0xffffu);
}
fn rotl_17(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 17u) | (x >> 15u); }
  return (x * 0x20000u) | shift_right_exact(x & 0xffff8000u, 0x1p-15, 0x1ffffu);
}
fn rotl_26(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 26u) | (x >> 6u); }
  return (x * 0x4000000u) | (x >> 6u);
}
fn rotl_6(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 6u) | (x >> 26u); }
  return (x * 0x40u) | shift_right_exact(x & 0xfc000000u, 0x1p-26, 0x3fu);
}
fn rotl_29(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 29u) | (x >> 3u); }
  return (x * 0x20000000u) | (x >> 3u);
}
fn rotl_24(x: u32) -> u32 {
  if (NATIVE_SHIFTS) { return (x << 24u) | (x >> 8u); }
  return (x * 0x1000000u) | (x >> 8u);
}

// Two calls at once, counters (counter0, counter1a) and (counter0, counter1b), returned as
// (x0, x1) of the first then of the second. A Threefry call is one long dependency chain; written
// side by side (two scalar chains, not a vec2: that spilled), the CPU behind SwiftShader overlaps
// them, and the weight draw ran 1.2× faster. The single call below is its first half.
fn threefry2x32_pair(key0: u32, key1: u32, counter0: u32, counter1a: u32, counter1b: u32) -> vec4u {
  let ks0 = key0;
  let ks1 = key1;
  let ks2 = 0x1bd11bdau ^ key0 ^ key1;
  var x0 = counter0 + ks0;
  var x1 = counter1a + ks1;
  var y0 = counter0 + ks0;
  var y1 = counter1b + ks1;
  x0 += x1; y0 += y1; x1 = rotl_13(x1); y1 = rotl_13(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_15(x1); y1 = rotl_15(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_26(x1); y1 = rotl_26(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_6(x1); y1 = rotl_6(y1); x1 ^= x0; y1 ^= y0;
  x0 += ks1; y0 += ks1; x1 += ks2 + 1u; y1 += ks2 + 1u;
  x0 += x1; y0 += y1; x1 = rotl_17(x1); y1 = rotl_17(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_29(x1); y1 = rotl_29(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_16(x1); y1 = rotl_16(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_24(x1); y1 = rotl_24(y1); x1 ^= x0; y1 ^= y0;
  x0 += ks2; y0 += ks2; x1 += ks0 + 2u; y1 += ks0 + 2u;
  x0 += x1; y0 += y1; x1 = rotl_13(x1); y1 = rotl_13(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_15(x1); y1 = rotl_15(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_26(x1); y1 = rotl_26(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_6(x1); y1 = rotl_6(y1); x1 ^= x0; y1 ^= y0;
  x0 += ks0; y0 += ks0; x1 += ks1 + 3u; y1 += ks1 + 3u;
  x0 += x1; y0 += y1; x1 = rotl_17(x1); y1 = rotl_17(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_29(x1); y1 = rotl_29(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_16(x1); y1 = rotl_16(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_24(x1); y1 = rotl_24(y1); x1 ^= x0; y1 ^= y0;
  x0 += ks1; y0 += ks1; x1 += ks2 + 4u; y1 += ks2 + 4u;
  x0 += x1; y0 += y1; x1 = rotl_13(x1); y1 = rotl_13(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_15(x1); y1 = rotl_15(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_26(x1); y1 = rotl_26(y1); x1 ^= x0; y1 ^= y0;
  x0 += x1; y0 += y1; x1 = rotl_6(x1); y1 = rotl_6(y1); x1 ^= x0; y1 ^= y0;
  x0 += ks2; y0 += ks2; x1 += ks0 + 5u; y1 += ks0 + 5u;
  return vec4u(x0, x1, y0, y1);
}

fn threefry2x32(key0: u32, key1: u32, counter0: u32, counter1: u32) -> vec2u {
  return threefry2x32_pair(key0, key1, counter0, counter1, counter1).xy;
}

fn stream_key(tag: u32, layer: u32) -> u32 {
  return (tag << 24u) | (layer & 0xffffffu);
}

// Strictly inside (0, 1) and exact in f32: (top 23 bits + ½) / 2^23 = ((word >> 8) | 1) / 2^24, an odd
// integer below 2^24 (it fits f32's 24-bit significand) times a power of two. Built in integers, then
// one exact conversion and one exact product, so relaxed or fast math has nothing to reorder (WGSL lets
// an implementation reassociate float operations). The conversion is from i32 (the value is below 2^31):
// SwiftShader runs the unsigned one lane by lane. With its one shift this drew normals as fast there as the
// shift-free float form it replaced (rngWords, 2M counters, median of 15 alternating runs).
fn uniform_from_word(word: u32) -> f32 {
  return f32(bitcast<i32>((word >> 8u) | 1u)) * 0x1p-24;
}

// (cos 2πu, sin 2πu) to ~1e-7 absolute. WGSL only promises 2^-11 for the built-in cos and sin,
// which would put ~3e-3 between GPU and CPU normals. u·4 is exact, so the reduction to the quadrant
// is exact too; then degree-10 Taylor series on [-π/4, π/4] (truncation error < 2e-9).
fn cos_sin_turns(u: f32) -> vec2f {
  let quarters = u * 4.0;
  let quadrant = floor(quarters);
  let theta = (quarters - quadrant - 0.5) * 1.5707963267948966;
  let t2 = theta * theta;
  let sin_theta = theta * (1.0 + t2 * (-1.0 / 6.0 + t2 * (1.0 / 120.0 + t2 * (-1.0 / 5040.0 + t2 * (1.0 / 362880.0)))));
  let cos_theta = 1.0 + t2 * (-0.5 + t2 * (1.0 / 24.0 + t2 * (-1.0 / 720.0
    + t2 * (1.0 / 40320.0 + t2 * (-1.0 / 3628800.0)))));
  // The angle within the quadrant is π/4 + θ.
  let c = (cos_theta - sin_theta) * 0.7071067811865476;
  let s = (cos_theta + sin_theta) * 0.7071067811865476;
  // Quadrants 0..3 give (c, s), (−s, c), (−c, −s), (s, −c): selects on the float quadrant, not a
  // switch on u32(quadrant) (an emulated conversion and four masked branches on SwiftShader).
  let low = select(vec2f(c, s), vec2f(-s, c), quadrant == 1.0);
  let high = select(vec2f(-c, -s), vec2f(s, -c), quadrant == 3.0);
  return select(low, high, quadrant >= 2.0);
}

// ln(u) with relative accuracy near u = 1 as well. WGSL's built-in log promises only 2^-21
// absolute on [0.5, 2], which near u = 1 (ln u ~ 1e-7) becomes a ~1e-4 error in the Box–Muller
// radius. u = m·2^e with m in [√½, √2), then ln m = 2·atanh(t), t = (m−1)/(m+1), |t| ≤ 0.172:
// six odd terms leave a truncation error below 2e-11; m − 1 is exact (Sterbenz).
fn log_unit(u: f32) -> f32 {
  // u = m·2^e with m in [1, 2) read off the bits (u is a normal f32: u ≥ 2^-24), then m → [√½, √2).
  let bits = bitcast<u32>(u);
  // The exponent without a shift (one lane at a time on SwiftShader): bits 23..30 as an i32
  // convert to f32 exactly; m > √2 moves to [√½, 1) with e + 1.
  let exponent = f32(bitcast<i32>(bits & 0x7f800000u)) * 0x1p-23 - 127.0;
  let mantissa = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  let high = mantissa > 1.41421356;
  let m = select(mantissa, 0.5 * mantissa, high);
  let e = select(exponent, exponent + 1.0, high);
  let t = (m - 1.0) / (m + 1.0);
  let t2 = t * t;
  let atanh_t = t * (1.0 + t2 * (1.0 / 3.0 + t2 * (1.0 / 5.0
    + t2 * (1.0 / 7.0 + t2 * (1.0 / 9.0 + t2 * (1.0 / 11.0))))));
  return 2.0 * atanh_t + e * 0.6931471805599453;
}

fn normal_pair_from_words(words: vec2u) -> vec2f {
  let radius = sqrt(-2.0 * log_unit(uniform_from_word(words.x)));
  return radius * cos_sin_turns(uniform_from_word(words.y));
}

// The standard normal of one element of a stream: even elements the cos branch, odd the sin.
fn normal_at(seed: u32, tag: u32, layer: u32, k: u32, element: u32) -> f32 {
  let pair = normal_pair_from_words(threefry2x32(seed, stream_key(tag, layer), k, element >> 1u));
  return select(pair.x, pair.y, (element & 1u) == 1u);
}

fn uniform_at(seed: u32, tag: u32, layer: u32, k: u32, element: u32) -> f32 {
  let words = threefry2x32(seed, stream_key(tag, layer), k, element >> 1u);
  return uniform_from_word(select(words.x, words.y, (element & 1u) == 1u));
}
