// phaseReadout: bindings 0 params (uniform), 1 readout g (storage read, vec4f: [copy][row][ld]), 2 z[L]
// (storage read, vec4f), 3 δ[L] (storage rw, vec4f).
// CPU twin: δ[L] = g ⊙ φ'(z[L]) at the top of the backward pass of phaseNetwork (src/core/phase.ts).
// Needs common/activations.wgsl. Every cell of a copy takes the copy's g (drawn once by initWeights).

struct ReadoutParams {
  count: u32, // inits · batchPadded · ld / 4 vec4s
  perInit: u32, // batchPadded · ld / 4
  copies: u32,
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> params: ReadoutParams;
@group(0) @binding(1) var<storage, read> readout: array<vec4f>;
@group(0) @binding(2) var<storage, read> zTop: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> deltaTop: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn phaseReadout(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * params.rowStride + id.x;
  if (index >= params.count) {
    return;
  }
  let kc = index / params.perInit;
  let g = readout[(kc % params.copies) * params.perInit + index % params.perInit];
  // Padded entries hold g = 0 (never drawn), so they stay 0 whatever φ'(0) is.
  deltaTop[index] = g * phi_prime4(zTop[index]);
}
