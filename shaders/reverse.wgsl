// Plane reversal: out[p, i] = src[p, S − 1 − i] for every plane p of S = OH·OW elements (both axes
// of the plane reversed), the result of SciPy/NumPy correlate with swapped operands. The planes are
// those of the geometry's output [N, K, OH, OW].

struct Params {
  g: Geometry,
  total: u32,   // elements of all planes
  wgTotal: u32,
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let size = P.g.OH * P.g.OW;
  let plane = e / size;
  dst[e] = src[plane * size + (size - 1u - e % size)];
}
