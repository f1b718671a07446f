// Winograd convolution F(m×m, 3×3) (src/algorithms/winograd.ts), m = 2 (tiles of A = 4 inputs) or,
// with F4, m = 4 (A = 6): per output tile of m×m outputs
//   Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A + bias
// with d_c the A×A input tile of channel c (boundary rule applied), g_c the 3×3 kernel (flipped when
// FLIP). Three kernels around the GEMM of im2col (shaders/gemm.wgsl, run on a 1×1 geometry per tile
// position ξ):
//   weightTransform  U[ξ][k][c] = (G g_{k,c} Gᵀ)[ξ], into the GEMM's uniform windows or a dense array
//   inputTransform   V[ξ][c][t] = (Bᵀ d_{c,t} B)[ξ] for every tile column t (image, tile) of the chunk
//   outputTransform  out = Aᵀ M[·][k][t] A + bias, cropped to the output
// The transforms are Lavin & Gray's (F(4,3): interpolation points 0, ±1, ±2, ∞), written out as the
// sparse formulas of their rows; the entries are exact rationals, rounded to f32 once (1/6, 1/12,
// 1/24), as the host's float64 copies in winograd.ts state. The input transform, with its reading of
// input tiles, is in winograd.input.wgsl (joined to this file: one module, one Params).

override F4: bool = false;
// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;
// Floats of one uniform window of the GEMM (gemm.wgsl's UA_VEC4S · 4).
const WINDOW_FLOATS: u32 = 16384u;

struct Params {
  g: Geometry,
  total: u32,
  wgTotal: u32,
  tilesX: u32,    // tiles per output row and per image
  tiles: u32,
  T: u32,         // tile columns of the chunk: images · tiles (rows of V and M hold TP floats, T used)
  n0: u32,        // the chunk's first image
  strideV: u32,   // floats between the tile positions of V (and of U in the dense layout)
  strideM: u32,   // floats between the tile positions of M
  windowed: u32,  // weightTransform: 1 = uniform windows (mW, SL, PW, windows, slices), 0 = dense [ξ][K][Cg]
  mW: u32,        // rows (output channels of a group) per window
  SL: u32,        // reduction steps (input channels of a group) per window
  PW: u32,        // tile positions per window
  windows: u32,
  slices: u32,
  xi0: u32,       // gemm: the window's first position, rows [m0, m0 + mW) and steps [j0, j0 + jLen) of group grp
  grp: u32,
  m0: u32,
  j0: u32,
  jLen: u32,
  TP: u32,        // floats per row of V and M: T rounded up to a multiple of 8 (whole vec4 pairs)
}
@group(0) @binding(0) var<uniform> P: Params;

fn tileSize() -> u32 { return select(4u, 6u, F4); }
fn outSize() -> u32 { return select(2u, 4u, F4); }

// The transforms work on four tile columns at once, one per vec4 component ("quads": tile columns
// t0 … t0 + 3 of V and M, read and written as one vec4 each).
alias Quad = array<vec4<f32>, 6>;

// Bᵀ·d for one column (or row) of A values.
fn inputRow(d: Quad) -> Quad {
  var r: Quad;
  if (F4) {
    r[0] = 4.0 * d[0] - 5.0 * d[2] + d[4];
    r[1] = -4.0 * (d[1] + d[2]) + d[3] + d[4];
    r[2] = 4.0 * (d[1] - d[2]) - d[3] + d[4];
    r[3] = 2.0 * (d[3] - d[1]) - d[2] + d[4];
    r[4] = 2.0 * (d[1] - d[3]) - d[2] + d[4];
    r[5] = 4.0 * d[1] - 5.0 * d[3] + d[5];
  } else {
    r[0] = d[0] - d[2];
    r[1] = d[1] + d[2];
    r[2] = d[2] - d[1];
    r[3] = d[1] - d[3];
  }
  return r;
}

// Aᵀ·m for one column (or row) of A values: m outputs.
fn outputRow(v: Quad) -> Quad {
  var r: Quad;
  if (F4) {
    let p1 = v[1] + v[2];
    let m1 = v[1] - v[2];
    let p3 = v[3] + v[4];
    let m3 = v[3] - v[4];
    r[0] = v[0] + p1 + p3;
    r[1] = m1 + 2.0 * m3;
    r[2] = p1 + 4.0 * p3;
    r[3] = m1 + 8.0 * m3 + v[5];
  } else {
    r[0] = v[0] + v[1] + v[2];
    r[1] = v[1] - v[2] - v[3];
  }
  return r;
}

// Column x of the rows h0 … h5.
fn column(h0: Quad, h1: Quad, h2: Quad, h3: Quad, h4: Quad, h5: Quad, x: u32) -> Quad {
  var r: Quad;
  switch (x) {
    case 0u: { r = Quad(h0[0], h1[0], h2[0], h3[0], h4[0], h5[0]); }
    case 1u: { r = Quad(h0[1], h1[1], h2[1], h3[1], h4[1], h5[1]); }
    case 2u: { r = Quad(h0[2], h1[2], h2[2], h3[2], h4[2], h5[2]); }
    case 3u: { r = Quad(h0[3], h1[3], h2[3], h3[3], h4[3], h5[3]); }
    case 4u: { r = Quad(h0[4], h1[4], h2[4], h3[4], h4[4], h5[4]); }
    default: { r = Quad(h0[5], h1[5], h2[5], h3[5], h4[5], h5[5]); }
  }
  return r;
}

// G·g for one column (or row) of the 3×3 kernel: A values.
fn weightRow(g0: f32, g1: f32, g2: f32) -> array<f32, 6> {
  var r: array<f32, 6>;
  if (F4) {
    r[0] = g0 * (1.0 / 4.0);
    r[1] = (g0 + g1 + g2) * (-1.0 / 6.0);
    r[2] = (g0 - g1 + g2) * (-1.0 / 6.0);
    r[3] = g0 * (1.0 / 24.0) + g1 * (1.0 / 12.0) + g2 * (1.0 / 6.0);
    r[4] = g0 * (1.0 / 24.0) - g1 * (1.0 / 12.0) + g2 * (1.0 / 6.0);
    r[5] = g2;
  } else {
    r[0] = g0;
    r[1] = (g0 + g1 + g2) * 0.5;
    r[2] = (g0 - g1 + g2) * 0.5;
    r[3] = g2;
  }
  return r;
}

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
// The same bindings as vec4s, for V and M (scratch of whole vec4s; see `gemm`): an entry point
// uses one view of each.
@group(0) @binding(1) var<storage, read> src4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dst4: array<vec4<f32>>;

// One invocation per weight (k, c): U = G g Gᵀ, A×A values, stored for position ξ in the uniform
// windows of `gemm` below (window ((grp·windows + mw)·slices + s)·batches + ξ / PW, float
// ((ξ % PW)·SL + jj)·mW + r for row m = mw·mW + r of group grp and channel c = s·SL + jj) or dense
// (ξ·strideV + k·Cg + c, for gemm.wgsl's mainRegister).
@compute @workgroup_size(WG)
fn weightTransform(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let A = tileSize();
  let c = e % P.g.Cg;
  let k = e / P.g.Cg;
  // Columns first: t[i][x] = (G g)[i][x], then rows: u[i][j] = (t Gᵀ)[i][j].
  var t: array<array<f32, 3>, 6>;
  for (var x = 0u; x < 3u; x++) {
    let col = weightRow(src[weightIndex(k, c, 0u, x)], src[weightIndex(k, c, 1u, x)], src[weightIndex(k, c, 2u, x)]);
    for (var i = 0u; i < A; i++) { t[i][x] = col[i]; }
  }
  let grp = k / P.g.Kg;
  let m = k % P.g.Kg;
  let mw = m / max(P.mW, 1u);
  let r = m % max(P.mW, 1u);
  let s = c / max(P.SL, 1u);
  let jj = c % max(P.SL, 1u);
  for (var i = 0u; i < A; i++) {
    let row = weightRow(t[i][0], t[i][1], t[i][2]);
    for (var j = 0u; j < A; j++) {
      let xi = i * A + j;
      if (P.windowed == 1u) {
        let batches = (A * A + P.PW - 1u) / P.PW;
        let w = ((grp * P.windows + mw) * P.slices + s) * batches + xi / P.PW;
        dst[w * WINDOW_FLOATS + ((xi % P.PW) * P.SL + jj) * P.mW + r] = row[j];
      } else {
        dst[xi * P.strideV + k * P.g.Cg + c] = row[j];
      }
    }
  }
}

// Row y of the quad's M[·][k][t0 …] (A vec4s; o = (k·TP + t0) / 4).
fn loadOutputRow(y: u32, o: u32) -> Quad {
  let A = tileSize();
  let s = P.strideM / 4u;
  var r: Quad;
  r[0] = src4[(y * A) * s + o];
  r[1] = src4[(y * A + 1u) * s + o];
  r[2] = src4[(y * A + 2u) * s + o];
  r[3] = src4[(y * A + 3u) * s + o];
  if (F4) {
    r[4] = src4[(y * A + 4u) * s + o];
    r[5] = src4[(y * A + 5u) * s + o];
  }
  return r;
}

// Stores row y of tile column t's output tile (its first m values of r) + b where inside the output.
fn storeOutputRow(r: array<f32, 4>, t: u32, y: u32, k: u32, b: f32) {
  let mo = outSize();
  let tile = t % P.tiles;
  let oy = (tile / P.tilesX) * mo + y;
  let ox0 = (tile % P.tilesX) * mo;
  if (oy >= P.g.OH) { return; }
  let o = ((P.n0 + t / P.tiles) * P.g.K + k) * P.g.OH * P.g.OW + oy * P.g.OW + ox0;
  if (ox0 + mo <= P.g.OW) {
    dst[o] = r[0] + b;
    dst[o + 1u] = r[1] + b;
    if (F4) {
      dst[o + 2u] = r[2] + b;
      dst[o + 3u] = r[3] + b;
    }
    return;
  }
  let left = P.g.OW - ox0;
  dst[o] = r[0] + b;
  if (left > 1u) { dst[o + 1u] = r[1] + b; }
  if (left > 2u) { dst[o + 2u] = r[2] + b; }
}

// Stores output row y of the quad's tiles (component j: tile column t0 + j, those below T).
fn storeQuadRow(c0: Quad, c1: Quad, c2: Quad, c3: Quad, y: u32, t0: u32, k: u32, b: f32) {
  let r = array<vec4<f32>, 4>(c0[y], c1[y], c2[y], c3[y]);
  for (var j = 0u; j < 4u; j++) {
    if (t0 + j < P.T) { storeOutputRow(array<f32, 4>(r[0][j], r[1][j], r[2][j], r[3][j]), t0 + j, y, k, b); }
  }
}

// One invocation per (output channel k, quad t0 = 4·q), quads fastest: Aᵀ M A + bias[k] into the
// m×m outputs of tile columns t0 … t0 + 3 (those below T) that lie inside the output.
@compute @workgroup_size(WG)
fn outputTransform(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let quads = (P.T + 3u) / 4u;
  let t0 = (e % quads) * 4u;
  let k = e / quads;
  let o = (k * P.TP + t0) / 4u;
  // Rows: M A (each row through Aᵀ), then columns: Aᵀ (M A).
  let h0 = outputRow(loadOutputRow(0u, o));
  let h1 = outputRow(loadOutputRow(1u, o));
  let h2 = outputRow(loadOutputRow(2u, o));
  let h3 = outputRow(loadOutputRow(3u, o));
  var h4: Quad;
  var h5: Quad;
  if (F4) {
    h4 = outputRow(loadOutputRow(4u, o));
    h5 = outputRow(loadOutputRow(5u, o));
  }
  let b = bias[k];
  // Column x of (M A) through Aᵀ gives column x of the output tiles; transpose by storing rows.
  let c0 = outputRow(column(h0, h1, h2, h3, h4, h5, 0u));
  let c1 = outputRow(column(h0, h1, h2, h3, h4, h5, 1u));
  var c2: Quad;
  var c3: Quad;
  if (F4) {
    c2 = outputRow(column(h0, h1, h2, h3, h4, h5, 2u));
    c3 = outputRow(column(h0, h1, h2, h3, h4, h5, 3u));
  }
  storeQuadRow(c0, c1, c2, c3, 0u, t0, k, b);
  storeQuadRow(c0, c1, c2, c3, 1u, t0, k, b);
  if (F4) {
    storeQuadRow(c0, c1, c2, c3, 2u, t0, k, b);
    storeQuadRow(c0, c1, c2, c3, 3u, t0, k, b);
  }
}

// The batched GEMM on CPU-backed adapters: M[ξ][k][t] (+)= Σ_c U[ξ][k][c] · V[ξ][c][t] for the
// positions [xi0, xi0 + PW), rows [m0, m0 + mW) and steps [j0, j0 + jLen) of group grp, whose
// weights sit in one 64 KiB uniform window (gemm.wgsl's mainUniform, with a position dimension:
// several positions share a window, so a dispatch has enough invocations). Each invocation computes
// RMU rows × 8 tile columns of one position; invocation t enumerates (position, row block, column
// block), columns fastest. The first slice of the reduction stores, later ones add.
// V and M are read and written as vec4s (rows of TP floats, so every block of 8 columns is two whole
// vec4s; the columns past T are computed from whatever V holds there and never read): on llvmpipe a
// storage access is a loop over the SIMD lanes, whatever its width, so a vec4 costs about two
// scalar accesses and moves four floats (`npm run bench:memory`).
override RMU: u32 = 16u;
@group(0) @binding(4) var<uniform> ua: array<vec4<f32>, 4096>;
@compute @workgroup_size(WG)
fn gemm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let colBlocks = P.TP / 8u;
  let blocks = (min(P.mW, P.g.Kg - P.m0) + RMU - 1u) / RMU;
  let p0 = (t % colBlocks) * 8u;
  let rb = (t / colBlocks) % blocks;
  let xl = t / (colBlocks * blocks);
  let xi = P.xi0 + xl;
  let rowV4 = P.TP / 4u;
  let vBase = (xi * P.strideV + (P.grp * P.g.Cg + P.j0) * P.TP + p0) / 4u;
  let R4 = RMU / 4u;
  let W4 = P.mW / 4u;
  let aBase = xl * P.SL * W4 + rb * R4;
  var acc0: array<vec4<f32>, RMU_MAX>;
  var acc1: array<vec4<f32>, RMU_MAX>;
  for (var jj = 0u; jj < P.jLen; jj++) {
    let row = vBase + jj * rowV4;
    let b0 = src4[row];
    let b1 = src4[row + 1u];
    let a = aBase + jj * W4;
    quadFma(&acc0, &acc1, 0u, ua[a], b0, b1);
    if (R4 > 1u) { quadFma(&acc0, &acc1, 4u, ua[a + 1u], b0, b1); }
    if (R4 > 2u) { quadFma(&acc0, &acc1, 8u, ua[a + 2u], b0, b1); }
    if (R4 > 3u) { quadFma(&acc0, &acc1, 12u, ua[a + 3u], b0, b1); }
  }
  let first = P.j0 == 0u;
  for (var r = 0u; r < RMU; r++) {
    let m = P.m0 + rb * RMU + r;
    if (m >= P.g.Kg) { break; }
    let o = (xi * P.strideM + (P.grp * P.g.Kg + m) * P.TP + p0) / 4u;
    if (first) {
      dst4[o] = acc0[r];
      dst4[o + 1u] = acc1[r];
    } else {
      dst4[o] += acc0[r];
      dst4[o + 1u] += acc1[r];
    }
  }
}
