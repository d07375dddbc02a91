// trainLayout: accessors of the packed layout table (packTrainLayout in src/core/trainLayout.ts,
// the CPU twin and the documentation of the layout): LAYOUT_SLOTS u32 per row, one row per field,
// indexed by the layer l. No bindings of its own: the including kernel declares
// `layout_table: array<u32>` (storage, read). Composed by src/gpu/trainShaders.ts.

const LAYOUT_SLOTS: u32 = 66u; // MAX_TRAIN_LAYERS + 1
const TRAIN_MAX_WIDTH: u32 = 64u; // MAX_HIDDEN_WIDTH

fn layer_width(l: u32) -> u32 { return layout_table[l]; }
fn weight_offset(l: u32) -> u32 { return layout_table[LAYOUT_SLOTS + l]; }
fn bias_offset(l: u32) -> u32 { return layout_table[2u * LAYOUT_SLOTS + l]; }
fn activation_offset(l: u32) -> u32 { return layout_table[3u * LAYOUT_SLOTS + l]; }
fn delta_offset(l: u32) -> u32 { return layout_table[4u * LAYOUT_SLOTS + l]; }

// Which parameter p of a copy is: x layer, y 1 for a bias, z row i, w column j (0 for a bias).
fn describe_param(p: u32, layer_count: u32) -> vec4u {
  for (var l = 1u; l <= layer_count; l++) {
    let n_in = layer_width(l - 1u);
    if (p < bias_offset(l)) {
      let e = p - weight_offset(l);
      return vec4u(l, 0u, e / n_in, e % n_in);
    }
    if (p < bias_offset(l) + layer_width(l)) {
      return vec4u(l, 1u, p - bias_offset(l), 0u);
    }
  }
  return vec4u(0u);
}
