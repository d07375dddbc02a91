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
  factor: f32, // constant c, normal std or uniform bound r
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: DrawParams;
@group(0) @binding(1) var<storage, read_write> matrix: array<f32>;

override WORKGROUP_SIZE: u32 = 64u;
// 0 zeros, 1 constant, 2 normal, 3 uniform: an override, one pipeline per kind, so that the switch
// below is resolved when the pipeline is built (SwiftShader would otherwise run the normal and the
// uniform branches for every pair, each under a lane mask).
override DRAW_KIND: u32 = 2u;
// Set when ld = cols and cols is even (widths that are multiples of 16): elements then go to
// consecutive addresses and a pair never straddles two rows, so the kernel skips the row and
// column bookkeeping and the per-element guards, which cost a third of the draw on SwiftShader.
override CONTIGUOUS_ROWS: bool = false;

// The two values of one Threefry call, for the draw kind.
fn draw_pair(words: vec2u) -> vec2f {
  switch (DRAW_KIND) {
    case 1u: { return vec2f(params.factor); }
    case 2u: { return params.factor * normal_pair_from_words(words); }
    case 3u: { return params.factor * (2.0 * vec2f(uniform_from_word(words.x), uniform_from_word(words.y)) - 1.0); }
    default: { return vec2f(0.0); }
  }
}

// Each invocation draws PAIRS consecutive pairs, so the index arithmetic and the loop set-up are
// paid once per 64 elements (32 pairs drew ~15% faster than 8 on SwiftShader).
const PAIRS: u32 = 32u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn initWeights(@builtin(global_invocation_id) id: vec3u) {
  let first = params.rowOffset * params.cols;
  let last = first + params.rows * params.cols; // one past the block's last element
  let firstPair = first >> 1u;
  let pairsPerInit = ((last - 1u) >> 1u) - firstPair + 1u;
  let groupsPerInit = (pairsPerInit + PAIRS - 1u) / PAIRS;
  let index = id.y * params.rowStride + id.x;
  if (index >= groupsPerInit * params.inits) {
    return;
  }
  let kc = index / groupsPerInit;
  let firstOfGroup = (index % groupsPerInit) * PAIRS;
  let counter0 = params.firstInit + kc;
  if (CONTIGUOUS_ROWS) {
    // Rows are whole pairs and back to back (ld = cols, cols even): element e goes to e − first.
    let base = kc * params.rowsPadded * params.ld + 2u * firstOfGroup;
    for (var p = 0u; p < PAIRS; p++) {
      if (firstOfGroup + p >= pairsPerInit) {
        break;
      }
      let drawn = draw_pair(threefry2x32(params.seed, params.key1, counter0, firstPair + firstOfGroup + p));
      matrix[base + 2u * p] = drawn.x;
      matrix[base + 2u * p + 1u] = drawn.y;
    }
    return;
  }
  // Element 2·pair takes drawn.x, element 2·pair + 1 drawn.y (which may start the next row).
  var element = 2u * (firstPair + firstOfGroup);
  var row = element / params.cols;
  var col = element - row * params.cols;
  for (var p = 0u; p < PAIRS; p++) {
    if (firstOfGroup + p >= pairsPerInit) {
      break;
    }
    let drawn = draw_pair(threefry2x32(params.seed, params.key1, counter0, firstPair + firstOfGroup + p));
    if (element >= first) {
      matrix[(kc * params.rowsPadded + row - params.rowOffset) * params.ld + col] = drawn.x;
    }
    col += 1u;
    if (col == params.cols) {
      col = 0u;
      row += 1u;
    }
    if (element + 1u < last) {
      matrix[(kc * params.rowsPadded + row - params.rowOffset) * params.ld + col] = drawn.y;
    }
    col += 1u;
    if (col == params.cols) {
      col = 0u;
      row += 1u;
    }
    element += 2u;
  }
}
