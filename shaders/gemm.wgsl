// Tiled GEMM for im2col: for each (n, group) pair b of the chunk,
//   out[n, g·Kg + m, p0 + p] = bias[g·Kg + m] + Σ_{j<J} A[g·Kg + m, j] · B_b[j, p]
// with A the weights viewed as [K, J] (J = Cg·KH·KW) and B_b the patch matrix of pair b (col
// buffer, [J, chunkLen] per pair) or, for 1×1 unpadded stride-1 kernels (B_IS_INPUT), the input
// channels of the pair directly ([Cg, H·W]).
// A workgroup of 8×8 invocations computes a TM×TN = 32×32 output tile, 4×4 per invocation, staging
// TK-deep slabs of A and B in workgroup memory.

override B_IS_INPUT: bool = false;
const TM: u32 = 32u;
const TN: u32 = 32u;
const TK: u32 = 16u;
const WGS: u32 = 64u;   // invocations of main's 8×8 workgroups
// Invocations per workgroup of mainRegister, mainUniform and packUniform (the host reads it).
const WG: u32 = 64u;

// This family's uniform: the geometry, then the chunk and (mainUniform) the window and reduction slice.
struct Params {
  g: Geometry,
  total: u32,
  wgTotal: u32,
  chunk0: u32,    // first (n, group) pair of the chunk
  chunk1: u32,    // first output column of the chunk
  chunkLen: u32,  // output columns of the chunk
  n0: u32,        // mainUniform: first pair of the dispatch's group within the chunk
  m0: u32,        // mainUniform: the window's output channels [m0, m0 + mW) of the group
  mW: u32,
  j0: u32,        // mainUniform: the reduction slice [j0, j0 + jLen)
  jLen: u32,
}
@group(0) @binding(0) var<uniform> P: Params;

@group(0) @binding(1) var<storage, read> bmat: array<f32>;
@group(0) @binding(2) var<storage, read> wts: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> outp: array<f32>;

// Start and row stride of pair's B matrix (J rows × cols columns): its chunk of the patch matrix,
// or with B_IS_INPUT the pair's input channels from column chunk1 on.
fn bMatrix(pair: u32, J: u32, cols: u32) -> vec2<u32> {
  if (B_IS_INPUT) {
    let n = pair / P.g.groups;
    let g = pair % P.g.groups;
    return vec2<u32>((n * P.g.C + g * P.g.Cg) * P.g.H * P.g.W + P.chunk1, P.g.H * P.g.W);
  }
  return vec2<u32>((pair - P.chunk0) * J * cols, cols);
}

// Columns p … p + 3, clamped to the last one (out-of-range columns read valid addresses, unstored).
fn clampedColumns(p: u32, last: u32) -> vec4<u32> {
  return min(vec4<u32>(p, p + 1u, p + 2u, p + 3u), vec4<u32>(last));
}

var<workgroup> As: array<f32, TK * TM>;  // As[kk * TM + m]
var<workgroup> Bs: array<f32, TK * TN>;  // Bs[kk * TN + p]

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let wg = linearWorkgroup(wid, nwg);
  if (wg >= P.wgTotal) { return; }
  let J = P.g.Cg * P.g.KH * P.g.KW;
  let cols = P.chunkLen;
  let tilesN = (cols + TN - 1u) / TN;
  let tilesM = (P.g.Kg + TM - 1u) / TM;
  let tn = wg % tilesN;
  let tm = (wg / tilesN) % tilesM;
  let pair = P.chunk0 + wg / (tilesN * tilesM);
  let n = pair / P.g.groups;
  let g = pair % P.g.groups;
  let m0 = tm * TM;
  let p0 = tn * TN;
  let aBase = g * P.g.Kg * J;
  let bm = bMatrix(pair, J, cols);
  let bBase = bm.x;
  let bStride = bm.y;

  var acc: array<vec4<f32>, 4>;
  for (var k0 = 0u; k0 < J; k0 += TK) {
    for (var e = li; e < TK * TM; e += WGS) {
      let m = e / TK;
      let kk = e % TK;
      var v = 0.0;
      if (m0 + m < P.g.Kg && k0 + kk < J) { v = wts[aBase + (m0 + m) * J + k0 + kk]; }
      As[kk * TM + m] = v;
    }
    for (var e = li; e < TK * TN; e += WGS) {
      let kk = e / TN;
      let p = e % TN;
      var v = 0.0;
      if (p0 + p < cols && k0 + kk < J) { v = bmat[bBase + (k0 + kk) * bStride + p0 + p]; }
      Bs[kk * TN + p] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = vec4<f32>(As[kk * TM + lid.y * 4u], As[kk * TM + lid.y * 4u + 1u],
                        As[kk * TM + lid.y * 4u + 2u], As[kk * TM + lid.y * 4u + 3u]);
      let b = vec4<f32>(Bs[kk * TN + lid.x * 4u], Bs[kk * TN + lid.x * 4u + 1u],
                        Bs[kk * TN + lid.x * 4u + 2u], Bs[kk * TN + lid.x * 4u + 3u]);
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  let OHW = P.g.OH * P.g.OW;
  for (var i = 0u; i < 4u; i++) {
    let m = m0 + lid.y * 4u + i;
    if (m >= P.g.Kg) { continue; }
    let k = g * P.g.Kg + m;
    let o = (n * P.g.K + k) * OHW + P.chunk1;
    for (var q = 0u; q < 4u; q++) {
      let p = p0 + lid.x * 4u + q;
      if (p < cols) { outp[o + p] = acc[i][q] + bias[k]; }
    }
  }
}

// Register-blocked variant without workgroup memory or barriers, for CPU-backed adapters (llvmpipe,
// SwiftShader), where workgroup memory is ordinary memory and barriers are costly: each invocation
// computes RM rows (up to RM_MAX; the host sizes it to the output channels) × RN = 8 columns from
// storage directly, each weight of a step broadcast over two vec4s of patch-matrix columns.
// Invocation t enumerates (pair, row block, column block), columns fastest.
const RM_MAX: u32 = 32u;
override RM: u32 = 32u;
const RN: u32 = 8u;

@compute @workgroup_size(WG)
fn mainRegister(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let J = P.g.Cg * P.g.KH * P.g.KW;
  let cols = P.chunkLen;
  let colBlocks = (cols + RN - 1u) / RN;
  let rowBlocks = (P.g.Kg + RM - 1u) / RM;
  let p0 = (t % colBlocks) * RN;
  let m0 = ((t / colBlocks) % rowBlocks) * RM;
  let pair = P.chunk0 + t / (colBlocks * rowBlocks);
  let n = pair / P.g.groups;
  let g = pair % P.g.groups;
  let bm = bMatrix(pair, J, cols);
  let bBase = bm.x;
  let bStride = bm.y;
  // Out-of-range rows and columns read clamped (valid) addresses and are not stored.
  let last = cols - 1u;
  let c0 = clampedColumns(p0, last);
  let c1 = clampedColumns(p0 + 4u, last);
  var aRow: array<u32, RM_MAX>;
  for (var r = 0u; r < RM; r++) { aRow[r] = (g * P.g.Kg + min(m0 + r, P.g.Kg - 1u)) * J; }
  var acc0: array<vec4<f32>, RM_MAX>;
  var acc1: array<vec4<f32>, RM_MAX>;
  for (var j = 0u; j < J; j++) {
    let row = bBase + j * bStride;
    let b0 = vec4<f32>(bmat[row + c0.x], bmat[row + c0.y], bmat[row + c0.z], bmat[row + c0.w]);
    let b1 = vec4<f32>(bmat[row + c1.x], bmat[row + c1.y], bmat[row + c1.z], bmat[row + c1.w]);
    for (var r = 0u; r < RM; r++) {
      let a = wts[aRow[r] + j];
      acc0[r] += a * b0;
      acc1[r] += a * b1;
    }
  }
  let OHW = P.g.OH * P.g.OW;
  for (var r = 0u; r < RM; r++) {
    let m = m0 + r;
    if (m >= P.g.Kg) { break; }
    let k = g * P.g.Kg + m;
    let o = (n * P.g.K + k) * OHW + P.chunk1;
    for (var q = 0u; q < 4u; q++) {
      if (p0 + q < cols) { outp[o + p0 + q] = acc0[r][q] + bias[k]; }
      if (p0 + 4u + q < cols) { outp[o + p0 + 4u + q] = acc1[r][q] + bias[k]; }
    }
  }
}

// Uniform-weights variant: the invocations of a dispatch share one window of mW output channels
// (P.m0 on) of one group and one slice of the reduction (j in [P.j0, P.j0 + P.jLen)), whose weights
// sit in a 64 KiB uniform window packed by packUniform below. Each invocation computes a block of
// RMU rows × RN = 8 columns; per step j it loads the 8 patch-matrix values and reads the RMU
// weights of the step as RMU / 4 uniform vec4s, the same for the invocations of a block (uniform
// loads are cheap broadcasts on CPU-backed adapters, where storage loads are the bottleneck).
// With IMPLICIT the patch matrix is not materialised: the step j = (c·KH + wy)·KW + wx of column
// q = oy·OW + ox reads x̃[n, g·Cg + c, oy·sH − padTop + ky·dH, ox·sW − padLeft + kx·dW] itself.
// Invocation t enumerates (pair, row block of the window, column block), columns fastest; the
// pairs of the dispatch are those of group g in the chunk: pair = chunk0 + n0 + i·groups.
// The first slice of the reduction stores bias + sum, the later ones add to what is there.
const UA_VEC4S: u32 = 4096u;
override RMU: u32 = 16u;
override IMPLICIT: bool = false;
@group(0) @binding(5) var<uniform> ua: array<vec4<f32>, UA_VEC4S>;

// x̃ at (iy, ix) of the channel plane starting at base.
fn patchValue(base: u32, y: i32, x: i32) -> f32 {
  let iy = boundaryIndex(y, i32(P.g.H));
  let ix = boundaryIndex(x, i32(P.g.W));
  if (iy < 0 || ix < 0) { return P.g.fill; }
  return bmat[base + u32(iy) * P.g.W + u32(ix)];
}


@compute @workgroup_size(WG)
fn mainUniform(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let J = P.g.Cg * P.g.KH * P.g.KW;
  let cols = P.chunkLen;
  let colBlocks = (cols + RN - 1u) / RN;
  let blocks = (min(P.mW, P.g.Kg - P.m0) + RMU - 1u) / RMU;   // row blocks in this window
  let p0 = (t % colBlocks) * RN;
  let rb = (t / colBlocks) % blocks;
  let pair = P.chunk0 + P.n0 + (t / (colBlocks * blocks)) * P.g.groups;
  let n = pair / P.g.groups;
  let g = pair % P.g.groups;
  let bm = bMatrix(pair, J, cols);
  let last = cols - 1u;
  let c0 = clampedColumns(p0, last);
  let c1 = clampedColumns(p0 + 4u, last);
  // IMPLICIT: the window origins (oy·sH − padTop, ox·sW − padLeft) of the 8 columns, and the step's
  // (c, wy, wx), advanced with j.
  let q0 = c0 + P.chunk1;
  let q1 = c1 + P.chunk1;
  let y0 = vec4<i32>((q0 / P.g.OW) * P.g.sH) - P.g.padTop;
  let y1 = vec4<i32>((q1 / P.g.OW) * P.g.sH) - P.g.padTop;
  let x0 = vec4<i32>((q0 % P.g.OW) * P.g.sW) - P.g.padLeft;
  let x1 = vec4<i32>((q1 % P.g.OW) * P.g.sW) - P.g.padLeft;
  var c = P.j0 / (P.g.KH * P.g.KW);
  var wy = (P.j0 / P.g.KW) % P.g.KH;
  var wx = P.j0 % P.g.KW;
  let R4 = RMU / 4u;
  let W4 = P.mW / 4u;
  var acc0: array<vec4<f32>, RMU_MAX>;
  var acc1: array<vec4<f32>, RMU_MAX>;
  for (var jj = 0u; jj < P.jLen; jj++) {
    var b0: vec4<f32>;
    var b1: vec4<f32>;
    if (IMPLICIT) {
      let base = (n * P.g.C + g * P.g.Cg + c) * P.g.H * P.g.W;
      let dy = i32(select(wy, P.g.KH - 1u - wy, FLIP) * P.g.dH);
      let dx = i32(select(wx, P.g.KW - 1u - wx, FLIP) * P.g.dW);
      b0 = vec4<f32>(patchValue(base, y0.x + dy, x0.x + dx), patchValue(base, y0.y + dy, x0.y + dx),
                     patchValue(base, y0.z + dy, x0.z + dx), patchValue(base, y0.w + dy, x0.w + dx));
      b1 = vec4<f32>(patchValue(base, y1.x + dy, x1.x + dx), patchValue(base, y1.y + dy, x1.y + dx),
                     patchValue(base, y1.z + dy, x1.z + dx), patchValue(base, y1.w + dy, x1.w + dx));
      wx++;
      if (wx == P.g.KW) {
        wx = 0u;
        wy++;
        if (wy == P.g.KH) {
          wy = 0u;
          c++;
        }
      }
    } else {
      let row = bm.x + (P.j0 + jj) * bm.y;
      b0 = vec4<f32>(bmat[row + c0.x], bmat[row + c0.y], bmat[row + c0.z], bmat[row + c0.w]);
      b1 = vec4<f32>(bmat[row + c1.x], bmat[row + c1.y], bmat[row + c1.z], bmat[row + c1.w]);
    }
    // The RMU / 4 quads of rows, written out so that every accumulator index is a constant.
    let a = jj * W4 + rb * R4;   // weights of rows 4q … 4q + 3 of the block at step j: ua[a + q]
    quadFma(&acc0, &acc1, 0u, ua[a], b0, b1);
    if (R4 > 1u) { quadFma(&acc0, &acc1, 4u, ua[a + 1u], b0, b1); }
    if (R4 > 2u) { quadFma(&acc0, &acc1, 8u, ua[a + 2u], b0, b1); }
    if (R4 > 3u) { quadFma(&acc0, &acc1, 12u, ua[a + 3u], b0, b1); }
  }
  let OHW = P.g.OH * P.g.OW;
  let first = P.j0 == 0u;
  for (var r = 0u; r < RMU; r++) {
    let m = P.m0 + rb * RMU + r;
    if (m >= P.g.Kg) { break; }
    let k = g * P.g.Kg + m;
    let o = (n * P.g.K + k) * OHW + P.chunk1 + p0;
    let b = select(0.0, bias[k], first);
    for (var q = 0u; q < 4u; q++) {
      if (p0 + q < cols) { outp[o + q] = select(outp[o + q], 0.0, first) + acc0[r][q] + b; }
      if (p0 + 4u + q < cols) { outp[o + 4u + q] = select(outp[o + 4u + q], 0.0, first) + acc1[r][q] + b; }
    }
  }
}

// Packs the weights into the uniform windows of mainUniform, 64 KiB (UA_VEC4S vec4s) apart:
// window w = (g·windows + mw)·slices + s holds, at float jj·mW + r, weight row mw·mW + r of group g
// at reduction index s·SL + jj (SL = UA_VEC4S·4 / mW), and 0 past the edges.
// One invocation per float of the windows (P.total of them).
@group(0) @binding(1) var<storage, read_write> packed: array<f32>;

@compute @workgroup_size(WG)
fn packUniform(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let J = P.g.Cg * P.g.KH * P.g.KW;
  let SL = UA_VEC4S * 4u / P.mW;
  let slices = (J + SL - 1u) / SL;
  let windows = (P.g.Kg + P.mW - 1u) / P.mW;
  let w = e / (UA_VEC4S * 4u);
  let i = e % (UA_VEC4S * 4u);
  let r = i % P.mW;
  let jj = i / P.mW;
  let s = w % slices;
  let mw = (w / slices) % windows;
  let g = w / (slices * windows);
  let m = mw * P.mW + r;
  let j = s * SL + jj;
  var v = 0.0;
  if (m < P.g.Kg && jj < SL && j < J) { v = wts[(g * P.g.Kg + m) * J + j]; }
  packed[e] = v;
}
