// trainStep: bindings 0 params (uniform TrainStepParams), 1 layout_table (storage read, packed
// layout), 2 points (storage read, quads of 4 vec4f: x0, x1, label, mask; training quads first),
// 3 weights (storage rw, K·P copy-major), 4 gradients (storage rw, K·P), 5 scratch (storage rw,
// K·S·TILE_QUADS vec4f). Layouts: src/core/trainLayout.ts. CPU twin: trainStep in
// src/core/trainStep.ts (the equations are written there). Needs shaders/trainCommon.wgsl,
// shaders/trainLayout.wgsl and shaders/common/activations.wgsl.
//
// One workgroup per copy, one invocation per quad (four training points, one vec4 per unit: every
// weight read serves four points) of a tile of TILE_QUADS quads:
//   1. forward and backward of the invocation's quad into its scratch slot (a[l], then δ[l]);
//   2. barrier; invocation `slot` sums the tile's δ·a of the parameters p ≡ slot (mod TILE_QUADS)
//      (no float atomics: each parameter has one owner, which also owns its update);
//   3. barrier (the next tile reuses the scratch); after the last tile the owner applies the update.
// Padding points (mask 0) get δ = 0, so they add nothing.

struct TrainStepParams {
  copies: u32,
  paramCount: u32,
  layerCount: u32,
  trainCount: u32,
  trainQuads: u32,
  scratchUnits: u32,
  penalty: u32, // an UPDATE_* code (update_param in shaders/trainCommon.wgsl)
  alpha: f32,
  alphaLambda: f32, // αλ
  decay: f32, // 1 − 2αλ
}

@group(0) @binding(0) var<uniform> params: TrainStepParams;
@group(0) @binding(1) var<storage, read> layout_table: array<u32>;
@group(0) @binding(2) var<storage, read> points: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> gradients: array<f32>;
@group(0) @binding(5) var<storage, read_write> scratch: array<vec4f>;

override TILE_QUADS: u32 = 16u;

// Forward then backward of training quad `quad` in scratch slot s_slot (the vec4 index of unit 0).
// The forward pass parks φ'(z[l]) where δ[l] goes; the backward pass multiplies it in.
fn forward_backward(w_base: u32, s_slot: u32, quad: u32) {
  let x0 = points[4u * quad];
  let x1 = points[4u * quad + 1u];
  let label = points[4u * quad + 2u];
  let mask = points[4u * quad + 3u];
  let L = params.layerCount;
  for (var l = 1u; l < L; l++) {
    let n_in = layer_width(l - 1u);
    for (var i = 0u; i < layer_width(l); i++) {
      let row = w_base + weight_offset(l) + i * n_in;
      var z = vec4f(weights[w_base + bias_offset(l) + i]);
      if (l == 1u) {
        z += weights[row] * x0 + weights[row + 1u] * x1;
      } else {
        let a_in = s_slot + activation_offset(l - 1u) * TILE_QUADS;
        for (var j = 0u; j < n_in; j++) {
          z += weights[row + j] * scratch[a_in + j * TILE_QUADS];
        }
      }
      scratch[s_slot + (activation_offset(l) + i) * TILE_QUADS] = phi4(z);
      scratch[s_slot + (delta_offset(l) + i) * TILE_QUADS] = phi_prime4(z);
    }
  }
  // Output: logit, then δ[L] = (σ(z) − y) / N (0 for padding).
  let n_last = layer_width(L - 1u);
  let row = w_base + weight_offset(L);
  var logit = vec4f(weights[w_base + bias_offset(L)]);
  let a_last = s_slot + activation_offset(L - 1u) * TILE_QUADS;
  for (var j = 0u; j < n_last; j++) {
    logit += weights[row + j] * scratch[a_last + j * TILE_QUADS];
  }
  scratch[s_slot + delta_offset(L) * TILE_QUADS] = (train_sigmoid4(logit) - label) * mask / f32(params.trainCount);
  // Backward: δ[l]_j = φ'(z[l]_j) · Σ_i W[l+1]_{ij} δ[l+1]_i.
  for (var l = L - 1u; l >= 1u; l--) {
    let n_next = layer_width(l + 1u);
    let n_here = layer_width(l);
    let d_next = s_slot + delta_offset(l + 1u) * TILE_QUADS;
    for (var j = 0u; j < n_here; j++) {
      var sum = vec4f(0.0);
      for (var i = 0u; i < n_next; i++) {
        sum += weights[w_base + weight_offset(l + 1u) + i * n_here + j] * scratch[d_next + i * TILE_QUADS];
      }
      let d = s_slot + (delta_offset(l) + j) * TILE_QUADS;
      scratch[d] = sum * scratch[d];
    }
  }
}

@compute @workgroup_size(TILE_QUADS)
fn trainStep(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) slot: u32) {
  let copy = group.x;
  if (copy >= params.copies) {
    return;
  }
  let P = params.paramCount;
  let w_base = copy * P;
  let s_base = copy * params.scratchUnits * TILE_QUADS;
  let tiles = (params.trainQuads + TILE_QUADS - 1u) / TILE_QUADS;
  for (var tile = 0u; tile < tiles; tile++) {
    let first = tile * TILE_QUADS;
    if (first + slot < params.trainQuads) {
      forward_backward(w_base, s_base + slot, first + slot);
    }
    storageBarrier();
    let in_tile = min(TILE_QUADS, params.trainQuads - first);
    // Layer by layer (no search per parameter: O(L + P / TILE_QUADS) for deep nets), the parameters
    // p ≡ slot (mod TILE_QUADS) of the layer: W[l] row-major, then b[l].
    for (var l = 1u; l <= params.layerCount; l++) {
      let n_in = layer_width(l - 1u);
      let w_first = weight_offset(l);
      let b_first = bias_offset(l);
      let end = b_first + layer_width(l);
      for (var p = w_first + (slot + TILE_QUADS - w_first % TILE_QUADS) % TILE_QUADS; p < end; p += TILE_QUADS) {
        let is_bias = p >= b_first;
        let row = select((p - w_first) / n_in, p - b_first, is_bias);
        let d = s_base + (delta_offset(l) + row) * TILE_QUADS;
        var sum4 = vec4f(0.0);
        if (is_bias) {
          for (var t = 0u; t < in_tile; t++) {
            sum4 += scratch[d + t];
          }
        } else if (l == 1u) {
          // a[0] = x: component j (0: x0, 1: x1) of the quad's points.
          let j = (p - w_first) % n_in;
          for (var t = 0u; t < in_tile; t++) {
            sum4 += scratch[d + t] * points[4u * (first + t) + j];
          }
        } else {
          let a = s_base + (activation_offset(l - 1u) + (p - w_first) % n_in) * TILE_QUADS;
          for (var t = 0u; t < in_tile; t++) {
            sum4 += scratch[d + t] * scratch[a + t];
          }
        }
        var g = (sum4.x + sum4.y) + (sum4.z + sum4.w);
        if (tile > 0u) {
          g += gradients[w_base + p];
        }
        if (tile + 1u < tiles) {
          gradients[w_base + p] = g;
        } else {
          weights[w_base + p] = update_param(
            weights[w_base + p], g, is_bias, params.penalty, params.alpha, params.alphaLambda, params.decay
          );
        }
      }
    }
    storageBarrier();
  }
}
