// initWeights: bindings 0 params (uniform), 1 matrix (storage rw, f32, [init][row][ld]).
// CPU twin: initWeight / initBias / inputValue / readoutValue in src/core/schemes.ts.
// Draws rows [rowOffset, rowOffset + rows) × cols of one stream (weights, biases, inputs or the
// read-out g) for a chunk of inits; element e = row·cols + col, one Threefry call per element pair
// (even e: cos branch / first word, odd e: sin branch / second word), exactly as the CPU twin.
// Padding (columns ≥ cols up to ld, rows ≥ rows) is not written: the runner clears the buffer.

struct DrawParams {
  seed: u32,
  key1: u32,
  firstInit: u32,
  inits: u32,
  rows: u32,
  cols: u32,
  rowOffset: u32,
  ld: u32,
  rowsPadded: u32,
  kind: u32, // 0 zeros, 1 constant, 2 normal, 3 uniform
  factor: f32, // constant c, normal std or uniform bound r
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: DrawParams;
@group(0) @binding(1) var<storage, read_write> matrix: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;

fn draw_value(words: vec2u, odd: bool) -> f32 {
  switch (params.kind) {
    case 1u: { return params.factor; }
    case 2u: {
      let pair = normal_pair_from_words(words);
      return params.factor * select(pair.x, pair.y, odd);
    }
    case 3u: { return params.factor * (2.0 * uniform_from_word(select(words.x, words.y, odd)) - 1.0); }
    default: { return 0.0; }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn initWeights(@builtin(global_invocation_id) id: vec3u) {
  let first = params.rowOffset * params.cols;
  let last = first + params.rows * params.cols; // one past the block's last element
  let firstPair = first >> 1u;
  let pairsPerInit = ((last - 1u) >> 1u) - firstPair + 1u;
  let index = id.y * params.rowStride + id.x;
  if (index >= pairsPerInit * params.inits) {
    return;
  }
  let kc = index / pairsPerInit;
  let pair = firstPair + index % pairsPerInit;
  let words = threefry2x32(params.seed, params.key1, params.firstInit + kc, pair);
  for (var half = 0u; half < 2u; half++) {
    let element = 2u * pair + half;
    if (element >= first && element < last) {
      let row = element / params.cols - params.rowOffset;
      let col = element % params.cols;
      matrix[(kc * params.rowsPadded + row) * params.ld + col] = draw_value(words, half == 1u);
    }
  }
}
