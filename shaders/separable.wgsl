// Separable convolution (src/algorithms/separable.ts): a rank-1 kernel w[k] = a_k·b_kᵀ (factors
// computed on the host, flipped there when FLIP) as two 1-D passes over one chunk of (n, k) planes:
//   rows — T[p, r, ox] = Σ_kx b_k[kx] · x̃[n, g, r − padTop, ox·sW − padLeft + kx·dW]
//          for every extended input row r < R = (OH − 1)·sH + (KH − 1)·dH + 1 the column pass reads,
//          x̃ the input extended in both dimensions by the boundary rule (a 'fill' row is the fill
//          value all along, so it gives fill·Σ b);
//   cols — out[n, k, oy, ox] = bias[k] + Σ_ky a_k[ky] · T[p, oy·sH + ky·dH, ox].
// In exact arithmetic that is the canonical sum Σ_ky Σ_kx x̃ · a_k[ky]·b_k[kx]. The factors are
// packed per output channel k: a_k at k·(KH + KW), then b_k.

struct Params {
  g: Geometry,
  total: u32,    // invocations of the dispatch
  wgTotal: u32,
  R: u32,        // rows of the intermediate per plane
  plane0: u32,   // the chunk's first (n, k) plane, n·K + k
  bx0: u32,      // row pass: the dispatch's first block of OBR outputs along a row, and its blocks per row
  bxn: u32,
  rf4: u32,      // rowsAligned: the first vec4 of the padded row factors, and vec4s of them per channel
  G4: u32,
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;
// Outputs per invocation along a row: OB in the column pass, OBR in the row pass (there each input
// loaded feeds OBR outputs through a sliding window; loads, not multiply-adds, bound CPU adapters).
const OB: u32 = 4u;
const OBR: u32 = 8u;

@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> fac: array<f32>;
// With UNIFORM_FACTORS the factors are read from a uniform copy (at most UNIFORM_FACTOR_VEC4S vec4s):
// uniform loads are broadcasts on CPU-backed adapters, storage loads are not.
override UNIFORM_FACTORS: bool = false;
const UNIFORM_FACTOR_VEC4S: u32 = 1024u;
@group(0) @binding(5) var<uniform> ufac: array<vec4<f32>, UNIFORM_FACTOR_VEC4S>;

fn factor(i: u32) -> f32 {
  if (UNIFORM_FACTORS) { return ufac[i / 4u][i % 4u]; }
  return fac[i];
}
@group(0) @binding(3) var<storage, read_write> rowsOut: array<f32>;

// The row pass's unit stride and dilation along the rows (host: sW = dW = 1), compiled in or out.
override UNIT_ROWS: bool = true;

// x̃ at column x of the row starting at rowBase (row iy, already mapped by the boundary rule, −1:
// fill): read directly when the invocation's whole window lies inside the row (`inside`), else
// through the boundary rule; one load at a valid index either way, no branch around it.
fn rowValue(rowBase: u32, iy: i32, x: i32, inside: bool) -> f32 {
  let ix = select(boundaryIndex(x, i32(P.g.W)), x, inside);
  let v = inp[rowBase + u32(max(ix, 0))];
  return select(v, P.g.fill, iy < 0 || ix < 0);
}

// A row-pass invocation's block: its first output column ox0 (block bx0 + t mod bxn of OBR), its
// intermediate row r, its plane pl of the chunk (channel k, input plane `plane`), and the input row
// iy that r maps to by the boundary rule (−1: fill).
struct RowBlock { ox0: u32, r: u32, pl: u32, k: u32, plane: u32, iy: i32 }
fn rowBlock(t: u32) -> RowBlock {
  let r = (t / P.bxn) % P.R;
  let pl = t / (P.bxn * P.R);
  let p = P.plane0 + pl;
  let k = p % P.g.K;
  return RowBlock((P.bx0 + t % P.bxn) * OBR, r, pl, k, (p / P.g.K) * P.g.C + k / P.g.Kg, boundaryIndex(i32(r) - P.g.padTop, i32(P.g.H)));
}

@compute @workgroup_size(WG)
fn rows(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let rb = rowBlock(t);
  let ox0 = rb.ox0;
  let r = rb.r;
  let pl = rb.pl;
  let iy = rb.iy;
  let fb = rb.k * (P.g.KH + P.g.KW) + P.g.KH;
  let x0 = i32(ox0 * P.g.sW) - P.g.padLeft;
  // Outputs ox0 … ox0 + 3 in lo, ox0 + 4 … ox0 + 7 in hi.
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  let rowBase = (rb.plane * P.g.H + u32(max(iy, 0))) * P.g.W;
  if (UNIT_ROWS) {
    // Unit stride and dilation along the rows: the window slides one column per tap. One path for
    // the whole image: on llvmpipe a loop under an `if` no lane takes still runs, so an interior
    // loop beside a boundary loop cost both (half of this pass).
    let inside = iy >= 0 && x0 >= 0 && x0 + i32(P.g.KW) + 7 < i32(P.g.W);
    var a = vec4<f32>(rowValue(rowBase, iy, x0, inside), rowValue(rowBase, iy, x0 + 1, inside), rowValue(rowBase, iy, x0 + 2, inside), rowValue(rowBase, iy, x0 + 3, inside));
    var b = vec4<f32>(rowValue(rowBase, iy, x0 + 4, inside), rowValue(rowBase, iy, x0 + 5, inside), rowValue(rowBase, iy, x0 + 6, inside), rowValue(rowBase, iy, x0 + 7, inside));
    for (var kx = 0u; kx < P.g.KW; kx++) {
      let f = factor(fb + kx);
      lo += f * a;
      hi += f * b;
      a = vec4<f32>(a.yzw, b.x);
      b = vec4<f32>(b.yzw, rowValue(rowBase, iy, x0 + i32(kx) + 8, inside));
    }
  } else {
    let sw = i32(P.g.sW);
    for (var kx = 0u; kx < P.g.KW; kx++) {
      let x = x0 + i32(kx * P.g.dW);
      let f = factor(fb + kx);
      lo += f * vec4<f32>(rowValue(rowBase, iy, x, false), rowValue(rowBase, iy, x + sw, false), rowValue(rowBase, iy, x + 2 * sw, false), rowValue(rowBase, iy, x + 3 * sw, false));
      hi += f * vec4<f32>(rowValue(rowBase, iy, x + 4 * sw, false), rowValue(rowBase, iy, x + 5 * sw, false), rowValue(rowBase, iy, x + 6 * sw, false), rowValue(rowBase, iy, x + 7 * sw, false));
    }
  }
  let o = (pl * P.R + r) * P.g.OW + ox0;
  for (var i = 0u; i < 4u; i++) {
    if (ox0 + i < P.g.OW) { rowsOut[o + i] = lo[i]; }
    if (ox0 + 4u + i < P.g.OW) { rowsOut[o + 4u + i] = hi[i]; }
  }
}

// The row pass's interior blocks when rows are vec4-aligned (W and OW multiples of 4, unit stride
// and dilation along the rows; src/algorithms/separable.ts splits the blocks): each block's window
// lies inside its row, so it is read as aligned vec4s with no boundary rule, from xa = x0 − SHIFT
// (x0 = ox0 − padLeft ≡ −padLeft mod 4 for every block: SHIFT is a constant of the dispatch), and
// its 8 outputs are stored as two vec4s. The factors of channel k are G4 vec4s from vec4 rf4 + k·G4:
// SHIFT zeros, b_k, zeros. On llvmpipe each storage access is a loop over the SIMD lanes, so one
// vec4 load per 4 taps instead of a load and a boundary mapping per tap halves the pass.
override SHIFT: u32 = 0u;
@group(0) @binding(1) var<storage, read> in4: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> fac4: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> rowsOut4: array<vec4<f32>>;

fn factor4(i: u32) -> vec4<f32> {
  if (UNIFORM_FACTORS) { return ufac[i]; }
  return fac4[i];
}

@compute @workgroup_size(WG)
fn rowsAligned(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let rb = rowBlock(t);
  let ox0 = rb.ox0;
  let iy = rb.iy;
  // A 'fill' row is the fill value all along: read row 0, use the fill value.
  let fillRow = iy < 0;
  let fv = vec4<f32>(P.g.fill);
  let b4 = ((rb.plane * P.g.H + u32(max(iy, 0))) * P.g.W + u32(i32(ox0) - P.g.padLeft) - SHIFT) / 4u;
  let fb = P.rf4 + rb.k * P.G4;
  var w0 = select(in4[b4], fv, fillRow);
  var w1 = select(in4[b4 + 1u], fv, fillRow);
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  for (var q = 0u; q < P.G4; q++) {
    let w2 = select(in4[b4 + q + 2u], fv, fillRow);
    let f = factor4(fb + q);
    lo += f.x * w0 + f.y * vec4<f32>(w0.yzw, w1.x) + f.z * vec4<f32>(w0.zw, w1.xy) + f.w * vec4<f32>(w0.w, w1.xyz);
    hi += f.x * w1 + f.y * vec4<f32>(w1.yzw, w2.x) + f.z * vec4<f32>(w1.zw, w2.xy) + f.w * vec4<f32>(w1.w, w2.xyz);
    w0 = w1;
    w1 = w2;
  }
  let o = ((rb.pl * P.R + rb.r) * P.g.OW + ox0) / 4u;
  rowsOut4[o] = lo;
  rowsOut4[o + 1u] = hi;
}

@group(0) @binding(1) var<storage, read> rowsIn: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> outp: array<f32>;

// Output rows per invocation of the column pass: RB_MAX with unit stride and dilation down the
// columns (then each intermediate row loaded feeds up to RB_MAX outputs), else 1.
override RB: u32 = 1u;
const RB_MAX: u32 = 8u;

// A column-pass invocation's block of OB columns × `rows` output rows: its first column ox0 and row
// oy0, its plane pl of the chunk (p of the job) and that plane's channel k.
struct ColBlock { ox0: u32, oy0: u32, pl: u32, p: u32, k: u32 }
fn colBlock(t: u32, rows: u32) -> ColBlock {
  let blocks = (P.g.OW + OB - 1u) / OB;
  let rowBlocks = (P.g.OH + rows - 1u) / rows;
  let pl = t / (blocks * rowBlocks);
  let p = P.plane0 + pl;
  return ColBlock((t % blocks) * OB, ((t / blocks) % rowBlocks) * rows, pl, p, p % P.g.K);
}

// The column pass's ring of factors (unit stride and dilation) after intermediate row q: fw[rr] =
// a_k[q − rr] for the factors a_k from `fa`, zero where q − rr is not a tap (the ring starts zeroed
// and takes zeros past the last tap), so every output row accumulates unconditionally: one factor
// read per row (a read per tap and row cost half the pass on llvmpipe) and no condition per row and
// tap (a compare and a blend per component).
fn slideFactors(fw: array<f32, RB_MAX>, fa: u32, q: u32) -> array<f32, RB_MAX> {
  let fq = select(0.0, factor(fa + min(q, P.g.KH - 1u)), q < P.g.KH);
  return array<f32, RB_MAX>(fq, fw[0], fw[1], fw[2], fw[3], fw[4], fw[5], fw[6]);
}

@compute @workgroup_size(WG)
fn cols(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let cb = colBlock(t, RB);
  let ox0 = cb.ox0;
  let oy0 = cb.oy0;
  let pl = cb.pl;
  let fa = cb.k * (P.g.KH + P.g.KW);
  // Columns past the row's end read its last column, rows past the plane's end its last row (kept
  // in the plane; never stored).
  let last = P.g.OW - 1u;
  let c = vec4<u32>(ox0, min(ox0 + 1u, last), min(ox0 + 2u, last), min(ox0 + 3u, last));
  var acc: array<vec4<f32>, RB_MAX>;
  if (RB > 1u) {
    // Unit stride and dilation: intermediate row oy0 + q feeds output row oy0 + rr through tap q − rr.
    var fw: array<f32, RB_MAX>;
    for (var q = 0u; q < RB + P.g.KH - 1u; q++) {
      fw = slideFactors(fw, fa, q);
      let o = (pl * P.R + min(oy0 + q, P.R - 1u)) * P.g.OW;
      let v = vec4<f32>(rowsIn[o + c.x], rowsIn[o + c.y], rowsIn[o + c.z], rowsIn[o + c.w]);
      for (var rr = 0u; rr < RB_MAX; rr++) { acc[rr] += fw[rr] * v; }
    }
  } else {
    for (var ky = 0u; ky < P.g.KH; ky++) {
      let o = (pl * P.R + oy0 * P.g.sH + ky * P.g.dH) * P.g.OW;
      acc[0] += factor(fa + ky) * vec4<f32>(rowsIn[o + c.x], rowsIn[o + c.y], rowsIn[o + c.z], rowsIn[o + c.w]);
    }
  }
  let bk = bias[cb.k];
  for (var rr = 0u; rr < RB; rr++) {
    if (oy0 + rr >= P.g.OH) { continue; }
    let o = (cb.p * P.g.OH + oy0 + rr) * P.g.OW + ox0;
    for (var i = 0u; i < OB; i++) {
      if (ox0 + i < P.g.OW) { outp[o + i] = acc[rr][i] + bk; }
    }
  }
}

// The column pass with unit stride and dilation down the columns when OW is a multiple of 4: the
// same sums as cols (RB > 1), each intermediate row's 4 columns loaded as one aligned vec4 and each
// output row stored as one.
@group(0) @binding(4) var<storage, read_write> outp4: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn cols4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let cb = colBlock(t, RB_MAX);
  let fa = cb.k * (P.g.KH + P.g.KW);
  var acc: array<vec4<f32>, RB_MAX>;
  var fw: array<f32, RB_MAX>;
  for (var q = 0u; q < RB_MAX + P.g.KH - 1u; q++) {
    fw = slideFactors(fw, fa, q);
    let v = in4[((cb.pl * P.R + min(cb.oy0 + q, P.R - 1u)) * P.g.OW + cb.ox0) / 4u];
    for (var rr = 0u; rr < RB_MAX; rr++) { acc[rr] += fw[rr] * v; }
  }
  let bk = bias[cb.k];
  for (var rr = 0u; rr < RB_MAX; rr++) {
    if (cb.oy0 + rr < P.g.OH) { outp4[((cb.p * P.g.OH + cb.oy0 + rr) * P.g.OW + cb.ox0) / 4u] = acc[rr] + bk; }
  }
}

