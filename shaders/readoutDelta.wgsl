// readoutDelta: bindings 0 params (uniform), 1 z[L] (storage read, vec4f), 2 δ[L] (storage rw, vec4f).
// CPU twin: the top of the backward pass in initPass (src/core/initStats.ts). Needs common/activations.wgsl.
// δ[L] = g ⊙ φ'(z[L]) in place: the random read-out g was drawn into δ[L] by initWeights, so the loss
// is L = (1/B) Σ_b g_b · a_b[L].

struct ReadoutParams {
  count: u32, // inits · batchPadded · ld / 4 vec4s
  rowStride: u32,
}

@group(0) @binding(0) var<uniform> readout: ReadoutParams;
@group(0) @binding(1) var<storage, read> zTop: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> deltaTop: array<vec4f>;

override WORKGROUP_SIZE: u32 = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn readoutDelta(@builtin(global_invocation_id) id: vec3u) {
  let index = id.y * readout.rowStride + id.x;
  if (index >= readout.count) {
    return;
  }
  // Padded entries hold g = 0 (cleared), so they stay 0 whatever φ'(0) is.
  deltaTop[index] = deltaTop[index] * phi_prime4(zTop[index]);
}
