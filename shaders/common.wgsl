// Shared by every kernel family: the shape uniform and the boundary rule.
//
// All kernels compute the canonical generalised cross-correlation (see src/plan.ts):
//   out[n,k,oy,ox] = bias[k] + Σ_{c<Cg,ky<KH,kx<KW} x̃[n, g·Cg+c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW]
//                                                   · w[k, c, ky', kx']
// with g = k / Kg, (ky', kx') flipped when FLIP, and x̃ the input extended by BOUNDARY.
// Tensors are dense row-major: input [N,C,H,W], weight [K,Cg,KH,KW], output [N,K,OH,OW].

struct Params {
  N: u32, C: u32, H: u32, W: u32,
  K: u32, KH: u32, KW: u32, Cg: u32,
  Kg: u32, OH: u32, OW: u32, sH: u32,
  sW: u32, dH: u32, dW: u32, groups: u32,
  padTop: i32, padLeft: i32, fill: f32, total: u32,   // total: work items of this dispatch
  // Per-dispatch chunk of the work (im2col chunking, batch splitting).
  chunk0: u32, chunk1: u32, chunkLen: u32, wgTotal: u32,
  // n0: first pair of the chunk (uniform GEMM); m0, mW: the dispatch's output channels
  // [m0, m0 + mW) of a group (uniform GEMM) or of all (direct with packed taps); j0, jLen: the
  // uniform GEMM's reduction slice; tapStride: vec4s of packed taps per output channel (direct).
  n0: u32, m0: u32, j0: u32, jLen: u32,
  mW: u32, tapStride: u32, reserved0: u32, reserved1: u32,
}

// 0 fill, 1 wrap, 2 symm, 3 reflect, 4 replicate (BOUNDARY_CODE in src/gpu/params.ts).
override BOUNDARY: u32 = 0u;
override FLIP: bool = false;

// Maps a possibly out-of-range coordinate i onto [0, n) by the boundary rule, or −1 for "fill".
// wrap has period n; symm (edge repeated: x[−1] = x[0]) period 2n; reflect (edge not repeated:
// x[−1] = x[1]) period 2n − 2. All of them work for any distance from the edge.
fn boundaryIndex(i: i32, n: i32) -> i32 {
  if (i >= 0 && i < n) { return i; }
  if (BOUNDARY == 0u) { return -1; }
  if (BOUNDARY == 1u) { return ((i % n) + n) % n; }
  if (BOUNDARY == 2u) {
    let m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return select(m, 2 * n - 1 - m, m >= n);
  }
  if (BOUNDARY == 3u) {
    if (n == 1) { return 0; }
    let p = 2 * n - 2;
    let m = ((i % p) + p) % p;
    return select(m, p - m, m >= n);
  }
  return clamp(i, 0, n - 1);
}

// Index of weight element (k, c, ky, kx), flipped 180° in (ky, kx) when FLIP.
fn weightIndex(k: u32, c: u32, ky: u32, kx: u32) -> u32 {
  let fy = select(ky, P.KH - 1u - ky, FLIP);
  let fx = select(kx, P.KW - 1u - kx, FLIP);
  return ((k * P.Cg + c) * P.KH + fy) * P.KW + fx;
}

// Linear workgroup index over a grid folded into up to three dimensions (dispatch fitting).
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + nwg.x * (wid.y + nwg.y * wid.z);
}

@group(0) @binding(0) var<uniform> P: Params;
