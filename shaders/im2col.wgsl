// im2col: materialises the patch matrix of a chunk of (n, group) pairs and output columns,
//   col[b][j][p] = x̃[n, g·Cg + c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW]
// for pair = chunk0 + b (n = pair / groups, g = pair % groups), column p0 + p = oy·OW + ox
// (p0 = chunk1, p < chunkLen) and row j = (c·KH + wy)·KW + wx in the weight's own order; with FLIP
// the weight element (wy, wx) meets kernel offset (KH−1−wy, KW−1−wx).
// Each invocation writes VW consecutive columns of one row j, stepping (oy, ox) along the output.

// This family's uniform: the geometry, then the chunk.
struct Params {
  g: Geometry,
  total: u32,
  wgTotal: u32,
  chunk0: u32,    // first (n, group) pair of the chunk
  chunk1: u32,    // first output column of the chunk
  chunkLen: u32,  // output columns of the chunk
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;
const VW: u32 = 16u;

@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read_write> col: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let J = P.g.Cg * P.g.KH * P.g.KW;
  let runs = (P.chunkLen + VW - 1u) / VW;
  let p0 = (t % runs) * VW;
  let j = (t / runs) % J;
  let b = t / (runs * J);
  let pair = P.chunk0 + b;
  let n = pair / P.g.groups;
  let g = pair % P.g.groups;
  let c = j / (P.g.KH * P.g.KW);
  let wy = (j / P.g.KW) % P.g.KH;
  let wx = j % P.g.KW;
  let ky = select(wy, P.g.KH - 1u - wy, FLIP);
  let kx = select(wx, P.g.KW - 1u - wx, FLIP);
  let base = (n * P.g.C + g * P.g.Cg + c) * P.g.H * P.g.W;
  let out = (b * J + j) * P.chunkLen;
  let q = P.chunk1 + p0;
  var oy = q / P.g.OW;
  var ox = q % P.g.OW;
  for (var e = p0; e < min(p0 + VW, P.chunkLen); e++) {
    let iy = boundaryIndex(i32(oy * P.g.sH + ky * P.g.dH) - P.g.padTop, i32(P.g.H));
    let ix = boundaryIndex(i32(ox * P.g.sW + kx * P.g.dW) - P.g.padLeft, i32(P.g.W));
    var v = P.g.fill;
    if (iy >= 0 && ix >= 0) { v = inp[base + u32(iy) * P.g.W + u32(ix)]; }
    col[out + e] = v;
    ox++;
    if (ox == P.g.OW) {
      ox = 0u;
      oy++;
    }
  }
}
