// Shared by every kernel family: the shape uniform and the boundary rule.
//
// All kernels compute the canonical generalised cross-correlation (see src/plan.ts):
//   out[n,k,oy,ox] = bias[k] + Σ_{c<Cg,ky<KH,kx<KW} x̃[n, g·Cg+c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW]
//                                                   · w[k, c, ky', kx']
// with g = k / Kg, (ky', kx') flipped when FLIP, and x̃ the input extended by BOUNDARY.
// Tensors are dense row-major: input [N,C,H,W], weight [K,Cg,KH,KW], output [N,K,OH,OW].

// The canonical operation's shape (ConvGeometry, src/geometry.ts): the first member, `g`, of every
// family's own `Params` uniform struct (bound at @group(0) @binding(0) as `P` by each family). Its
// size is a multiple of 16 bytes, as a struct member of a uniform must be (reserved pads it).
struct Geometry {
  N: u32, C: u32, H: u32, W: u32,
  K: u32, KH: u32, KW: u32, Cg: u32,
  Kg: u32, OH: u32, OW: u32, sH: u32,
  sW: u32, dH: u32, dW: u32, groups: u32,
  padTop: i32, padLeft: i32, fill: f32, reserved: u32,
}

// The boundary rules, the values of BOUNDARY (the host reads these constants: src/gpu/params.ts).
const BOUNDARY_FILL: u32 = 0u;
const BOUNDARY_WRAP: u32 = 1u;
const BOUNDARY_SYMM: u32 = 2u;
const BOUNDARY_REFLECT: u32 = 3u;
const BOUNDARY_REPLICATE: u32 = 4u;
override BOUNDARY: u32 = BOUNDARY_FILL;
override FLIP: bool = false;

// Set by the host when every coordinate a kernel maps lies within one reflection (or wrap) of
// [0, n) on both axes (`boundaryConstants` in src/gpu/params.ts): the periodic rules are then one
// select each. Their general form divides, which llvmpipe does lane by lane and runs, masked, even
// where every lane has returned early: that was half of the separable row pass.
override NEAR_EDGES: bool = false;

// Maps a possibly out-of-range coordinate i onto [0, n) by the boundary rule, or −1 for "fill".
// wrap has period n; symm (edge repeated: x[−1] = x[0]) period 2n; reflect (edge not repeated:
// x[−1] = x[1]) period 2n − 2. All of them work for any distance from the edge; with NEAR_EDGES,
// for coordinates within one period (others, computed by a kernel past its last output and never
// stored, get an index clamped into range).
fn boundaryIndex(i: i32, n: i32) -> i32 {
  if (BOUNDARY == BOUNDARY_FILL) { return select(-1, i, i >= 0 && i < n); }
  if (BOUNDARY == BOUNDARY_REPLICATE) { return clamp(i, 0, n - 1); }
  if (NEAR_EDGES) {
    var m: i32;
    if (BOUNDARY == BOUNDARY_WRAP) {
      m = select(select(i, i + n, i < 0), i - n, i >= n);
    } else if (BOUNDARY == BOUNDARY_SYMM) {
      m = select(select(i, -1 - i, i < 0), 2 * n - 1 - i, i >= n);
    } else {
      m = select(select(select(i, -i, i < 0), 2 * n - 2 - i, i >= n), 0, n == 1);
    }
    return clamp(m, 0, n - 1);
  }
  if (i >= 0 && i < n) { return i; }
  if (BOUNDARY == BOUNDARY_WRAP) { return ((i % n) + n) % n; }
  if (BOUNDARY == BOUNDARY_SYMM) {
    let m = ((i % (2 * n)) + 2 * n) % (2 * n);
    return select(m, 2 * n - 1 - m, m >= n);
  }
  // BOUNDARY_REFLECT
  if (n == 1) { return 0; }
  let p = 2 * n - 2;
  let m = ((i % p) + p) % p;
  return select(m, p - m, m >= n);
}

// Index of weight element (k, c, ky, kx), flipped 180° in (ky, kx) when FLIP.
fn weightIndex(k: u32, c: u32, ky: u32, kx: u32) -> u32 {
  let fy = select(ky, P.g.KH - 1u - ky, FLIP);
  let fx = select(kx, P.g.KW - 1u - kx, FLIP);
  return ((k * P.g.Cg + c) * P.g.KH + fy) * P.g.KW + fx;
}

// Linear workgroup index over a grid folded into up to three dimensions (dispatch fitting).
fn linearWorkgroup(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + nwg.x * (wid.y + nwg.y * wid.z);
}

// The uniform-window GEMMs (gemm.wgsl's mainUniform, winograd.wgsl's gemm): at most RMU_MAX rows
// of outputs per invocation, two vec4s of columns each; acc[r0 + i] += w[i] · b for the four rows
// r0 … r0 + 3 of a quad (the host reads RMU_MAX).
const RMU_MAX: u32 = 16u;
fn quadFma(acc0: ptr<function, array<vec4<f32>, RMU_MAX>>, acc1: ptr<function, array<vec4<f32>, RMU_MAX>>,
           r0: u32, w: vec4<f32>, b0: vec4<f32>, b1: vec4<f32>) {
  (*acc0)[r0] += w.x * b0;
  (*acc1)[r0] += w.x * b1;
  (*acc0)[r0 + 1u] += w.y * b0;
  (*acc1)[r0 + 1u] += w.y * b1;
  (*acc0)[r0 + 2u] += w.z * b0;
  (*acc1)[r0 + 2u] += w.z * b1;
  (*acc0)[r0 + 3u] += w.w * b0;
  (*acc1)[r0 + 3u] += w.w * b1;
}
