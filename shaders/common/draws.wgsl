// The weight draws of the initialization engine: one Threefry call gives two values by the draw kind. Used by
// initWeights (W, b, x and g into buffers) and by the hardware family of layerForward / layerBackward, which
// draw each slab of W straight into workgroup memory (src/gpu/hardwareTiles.ts). Needs common/rng.wgsl.
// CPU twin: initWeight in src/core/schemes.ts (element e = row·cols + col; pair e >> 1; even e the first value).

// One of the DRAW_* codes (WEIGHT_DRAW_CODES in src/core/schemes.ts): an override, one pipeline per
// kind, so that the switch below is resolved when the pipeline is built (SwiftShader would otherwise
// run the normal and the uniform branches for every pair, each under a lane mask).
override DRAW_KIND: u32; // no default: every pipeline names its kind

// The two values of one Threefry call, for the draw kind; factor: constant c, normal std or uniform bound r.
fn draw_pair(words: vec2u, factor: f32) -> vec2f {
  switch (DRAW_KIND) {
    case DRAW_ZEROS: { return vec2f(0.0); }
    case DRAW_CONSTANT: { return vec2f(factor); }
    case DRAW_NORMAL: { return factor * normal_pair_from_words(words); }
    case DRAW_UNIFORM: {
      return factor * (2.0 * vec2f(uniform_from_word(words.x), uniform_from_word(words.y)) - 1.0);
    }
    default: { return bitcast<vec2f>(words | vec2u(0x7fc00000u)); } // NaN: no such code (src/gpu/wgslCodes.ts)
  }
}

// The stream of one matrix of one init: what a draw needs besides the element.
struct DrawStream {
  seed: u32,
  key1: u32,
  counter0: u32, // the init's index k
  factor: f32,
}

// Elements (i, j), …, (i, j + 3) of a rows × cols matrix, as initWeights would draw them; 0 outside the
// matrix (i ≥ rows or a column ≥ cols: the padding). Even e = i·cols + j takes two whole pairs; an odd e
// (odd cols) starts with the second value of its pair and needs a third call.
fn drawn_quad(stream: DrawStream, i: u32, j: u32, rows: u32, cols: u32) -> vec4f {
  if (i >= rows) {
    return vec4f(0.0);
  }
  let e = i * cols + j;
  let first = e >> 1u;
  let words = threefry2x32_pair(stream.seed, stream.key1, stream.counter0, first, first + 1u);
  let v01 = draw_pair(words.xy, stream.factor);
  let v23 = draw_pair(words.zw, stream.factor);
  var values = vec4f(v01, v23);
  if ((e & 1u) == 1u) {
    let next = draw_pair(threefry2x32(stream.seed, stream.key1, stream.counter0, first + 2u), stream.factor);
    values = vec4f(v01.y, v23.x, v23.y, next.x);
  }
  let live = vec4<bool>(j < cols, j + 1u < cols, j + 2u < cols, j + 3u < cols);
  return select(vec4f(0.0), values, live);
}
