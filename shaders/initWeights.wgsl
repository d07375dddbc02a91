// initWeights: bindings 0 params (uniform), 1 matrix (storage rw, f32, [init][row][ld]).
// CPU twin: initWeight / initBias / inputValue / readoutValue in src/core/schemes.ts. Needs common/rng.wgsl
// and common/draws.wgsl (DRAW_KIND, draw_pair: shared with the hardware layer kernels, which draw W in place).
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
// Set when ld = cols (widths that are multiples of 16): elements then go to consecutive addresses
// and a pair never straddles two rows, so the kernel skips the row and column bookkeeping and the
// per-element guards, which cost a third of the draw on SwiftShader.
override CONTIGUOUS_ROWS: bool = false;

// Each invocation draws PAIRS consecutive pairs, two per threefry2x32_pair call, so the index
// arithmetic and the loop set-up are paid once per 64 elements (32 pairs drew ~15% faster than 8).
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
    // Rows are back to back (ld = cols, a multiple of 16): element e goes to e − first, and every
    // group holds an even number of pairs, so the loop runs a bound, not a break, and stores freely.
    let base = kc * params.rowsPadded * params.ld + 2u * firstOfGroup;
    let pairs = min(PAIRS, pairsPerInit - firstOfGroup);
    for (var p = 0u; p < pairs; p += 2u) {
      let pair = firstPair + firstOfGroup + p;
      let words = threefry2x32_pair(params.seed, params.key1, counter0, pair, pair + 1u);
      let drawn = vec4f(draw_pair(words.xy, params.factor), draw_pair(words.zw, params.factor));
      matrix[base + 2u * p] = drawn.x;
      matrix[base + 2u * p + 1u] = drawn.y;
      matrix[base + 2u * p + 2u] = drawn.z;
      matrix[base + 2u * p + 3u] = drawn.w;
    }
    return;
  }
  // Element 2·pair takes the pair's first value, element 2·pair + 1 its second (which may start the
  // next row); elements outside [first, last) (an odd first, the end of the block) are skipped.
  let element = 2u * (firstPair + firstOfGroup);
  var row = element / params.cols;
  var col = element - row * params.cols;
  for (var p = 0u; p < PAIRS; p += 2u) {
    if (firstOfGroup + p >= pairsPerInit) {
      break;
    }
    let pair = firstPair + firstOfGroup + p;
    let words = threefry2x32_pair(params.seed, params.key1, counter0, pair, pair + 1u);
    let drawn = vec4f(draw_pair(words.xy, params.factor), draw_pair(words.zw, params.factor));
    let e = element + 2u * p;
    store_element(kc, e, first, last, &row, &col, drawn.x);
    store_element(kc, e + 1u, first, last, &row, &col, drawn.y);
    store_element(kc, e + 2u, first, last, &row, &col, drawn.z);
    store_element(kc, e + 3u, first, last, &row, &col, drawn.w);
  }
}

// Writes element e (at row, col) when it is inside [first, last), then steps (row, col) to e + 1.
fn store_element(kc: u32, e: u32, first: u32, last: u32, row: ptr<function, u32>, col: ptr<function, u32>, value: f32) {
  if (e >= first && e < last) {
    matrix[(kc * params.rowsPadded + *row - params.rowOffset) * params.ld + *col] = value;
  }
  *col += 1u;
  if (*col == params.cols) {
    *col = 0u;
    *row += 1u;
  }
}
