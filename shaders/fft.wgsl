// Fast Fourier transforms (src/fft/): Stockham autosort, mixed radix 2, 3, 4, 5, 7, 8.
//
// Complex values are vec2<f32> (re, im). A batch of `count` transforms of length n is addressed by
// a three-level layout: transform t, element i lives at
//   base(t) + i·stride,   base(t) = (t mod nb0)·s0 + ((t / nb0) mod nb1)·s1 + (t / (nb0·nb1))·s2
// (input: is0, is1, is2, istr; output: os0, os1, os2, ostr), so rows, columns and the four-step
// passes of a long transform (of rows or of columns) are all the same kernels. Twiddles come from tables of roots of unity computed in
// float64 on the host (`tw`: e^{−2πij/n}, j < n); the inverse direction conjugates them. No sin/cos
// is evaluated here.
//
// Stage of radix R after stages whose radices multiply to ns (Stockham, Govindaraju et al. 2008):
// butterfly j < n/R reads x[j + r·n/R], r < R, multiplies by w_n^{r·(j mod ns)·n/(ns·R)}, takes a
// DFT of length R and writes x'[(j / ns)·ns·R + (j mod ns) + r·ns].

struct Params {
  g: Geometry,
  total: u32,    // per-element kernels: threads needed
  wgTotal: u32,
  n: u32,        // transform length
  count: u32,    // transforms
  nb0: u32, nb1: u32,
  is0: u32, is1: u32, is2: u32, istr: u32,
  os0: u32, os1: u32, os2: u32, ostr: u32,
  inv: u32,      // per-element kernels: 0: forward (e^(−2πi…)), 1: inverse (e^(+2πi…)), unnormalised
  ns: u32,       // stage kernel: product of the earlier stages' radices
  radix: u32,    // stage kernel: this stage's radix
  twN: u32,      // workgroup kernels: post-twiddle by tw2[(t mod nb0)·i] when nonzero (four-step)
  scale: f32,    // multiplies every output
  m: u32,        // Bluestein: the convolution length
  planes: u32,   // wgFilter, wgRowFilter: weight planes
  // wgRfftConv / wgIrfftConv / wgRowFilter (FFT convolution's rows): transform rows per plane,
  // stride-1 outputs per tile, tiles per row of tiles and per image, the chunk's first (image, tile) pair.
  FH: u32, TH: u32, TW: u32, tilesX: u32, tiles: u32, pair0: u32,
  half: u32,     // real transforms: W/2
  rows: u32,     // pad: destination rows per plane
  srcRows: u32, srcCols: u32, dstCols: u32,
  mode: u32,     // pad: PAD_COPY, PAD_EXPAND or PAD_TAKE
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup of every entry point (the host reads it).
const WG: u32 = 64u;
// Longest transform done in workgroup memory.
const MAX_WG_N: u32 = 2048u;
// pad modes: copy; real → complex (imaginary 0); complex → real part.
const PAD_COPY: u32 = 0u;
const PAD_EXPAND: u32 = 1u;
const PAD_TAKE: u32 = 2u;

// Workgroup memory in complex values: two halves of the workgroup's transforms, ping-pong (the host
// sets it from maxComputeWorkgroupStorageSize).
override SHARED: u32 = 4096u;
var<workgroup> sh: array<vec2<f32>, SHARED>;

@group(0) @binding(1) var<storage, read> src: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> tw: array<vec2<f32>>;
@group(0) @binding(4) var<storage, read> tw2: array<vec2<f32>>;
@group(0) @binding(5) var<storage, read> srcF: array<f32>;
@group(0) @binding(6) var<storage, read_write> dstF: array<f32>;

const SQRT_HALF: f32 = 0.70710678118654757;
const SIN_60: f32 = 0.86602540378443860;
const COS5 = array<f32, 5>(1.0, 0.30901699437494745, -0.80901699437494734, -0.80901699437494745, 0.30901699437494723);
const SIN5 = array<f32, 5>(0.0, 0.95105651629515353, 0.58778525229247325, -0.58778525229247303, -0.95105651629515364);
const COS7 = array<f32, 7>(1.0, 0.62348980185873359, -0.22252093395631434, -0.90096886790241903, -0.90096886790241915, -0.22252093395631459, 0.62348980185873337);
const SIN7 = array<f32, 7>(0.0, 0.78183148246802980, 0.97492791218182362, 0.43388373911755823, -0.43388373911755801, -0.97492791218182362, -0.78183148246802991);

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn conjIf(w: vec2<f32>, c: bool) -> vec2<f32> { return select(w, vec2<f32>(w.x, -w.y), c); }
// a·(−i) forward, a·(+i) inverse.
fn rot(a: vec2<f32>, inv: bool) -> vec2<f32> {
  return select(vec2<f32>(a.y, -a.x), vec2<f32>(-a.y, a.x), inv);
}
fn twiddle(j: u32, inv: bool) -> vec2<f32> { return conjIf(tw[j], inv); }
fn inBase(t: u32) -> u32 {
  let u = t / P.nb0;
  return (t % P.nb0) * P.is0 + (u % P.nb1) * P.is1 + (u / P.nb1) * P.is2;
}
fn outBase(t: u32) -> u32 {
  let u = t / P.nb0;
  return (t % P.nb0) * P.os0 + (u % P.nb1) * P.os1 + (u / P.nb1) * P.os2;
}

// DFT of length 4 of v[o], v[o+s], v[o+2s], v[o+3s], in place.
fn dft4(v: ptr<function, array<vec2<f32>, 8>>, o: u32, s: u32, inv: bool) {
  let a = v[o]; let b = v[o + s]; let c = v[o + 2u * s]; let d = v[o + 3u * s];
  let t0 = a + c; let t1 = a - c; let t2 = b + d; let t3 = rot(b - d, inv);
  v[o] = t0 + t2; v[o + s] = t1 + t3; v[o + 2u * s] = t0 - t2; v[o + 3u * s] = t1 - t3;
}

// DFT of length R ∈ {2, 3, 4, 5, 7, 8} of v[0..R), in place (inverse: e^{+2πi…}).
fn dft(R: u32, v: ptr<function, array<vec2<f32>, 8>>, inv: bool) {
  switch R {
    case 1u: {}
    case 2u: { let a = v[0]; let b = v[1]; v[0] = a + b; v[1] = a - b; }
    case 3u: {
      let a = v[0]; let t = v[1] + v[2]; let d = rot(v[1] - v[2], inv) * SIN_60; let m = a - 0.5 * t;
      v[0] = a + t; v[1] = m + d; v[2] = m - d;
    }
    case 4u: { dft4(v, 0u, 1u, inv); }
    case 8u: {
      // Even and odd halves (radix-4 each), then the radix-2 combination with w8^k.
      dft4(v, 0u, 2u, inv);
      dft4(v, 1u, 2u, inv);
      let s = select(-SQRT_HALF, SQRT_HALF, inv);
      let o1 = cmul(v[3], vec2<f32>(SQRT_HALF, s));
      let o2 = rot(v[5], inv);
      let o3 = cmul(v[7], vec2<f32>(-SQRT_HALF, s));
      let e0 = v[0]; let e1 = v[2]; let e2 = v[4]; let e3 = v[6]; let o0 = v[1];
      v[0] = e0 + o0; v[4] = e0 - o0;
      v[1] = e1 + o1; v[5] = e1 - o1;
      v[2] = e2 + o2; v[6] = e2 - o2;
      v[3] = e3 + o3; v[7] = e3 - o3;
    }
    default: {
      // 5 and 7: y[k] = v0 + Σ_{r ≤ (R−1)/2} (v_r + v_{R−r})·cos(2πrk/R) ∓ i·(v_r − v_{R−r})·sin(2πrk/R).
      var c: array<f32, 7>;
      var s: array<f32, 7>;
      if (R == 5u) { for (var k = 0u; k < 5u; k++) { c[k] = COS5[k]; s[k] = SIN5[k]; } }
      else { for (var k = 0u; k < 7u; k++) { c[k] = COS7[k]; s[k] = SIN7[k]; } }
      var sum: array<vec2<f32>, 4>;
      var dif: array<vec2<f32>, 4>;
      let h = (R - 1u) / 2u;
      var y0 = v[0];
      for (var r = 1u; r <= h; r++) {
        sum[r] = v[r] + v[R - r];
        dif[r] = rot(v[r] - v[R - r], inv);
        y0 += sum[r];
      }
      for (var k = 1u; k <= h; k++) {
        var re = v[0];
        var im = vec2<f32>(0.0);
        for (var r = 1u; r <= h; r++) {
          let q = (r * k) % R;
          re += sum[r] * c[q];
          im += dif[r] * s[q];
        }
        v[k] = re + im;
        v[R - k] = re - im;
      }
      v[0] = y0;
    }
  }
}

// The workgroup kernels are specialised per transform length by override constants, so that on a
// CPU adapter (llvmpipe) every loop below unrolls, every private array lives in registers and every
// division is by a constant: WN the length, WTPT invocations per transform, WPER transforms per
// workgroup, WR0…WR7 the radices (first stage first; 0 ends), WINV the direction, WMFAST 1 when the
// transform index is fastest in memory (strided transforms: columns). SHARED ≥ 2·WPER·WN, plus WPER
// when WPER > 1: each slot's input and output base, computed once (not per element) after the halves.
override WN: u32 = 1u;
override WTPT: u32 = 1u;
override WPER: u32 = 1u;
override WR0: u32 = 0u;
override WR1: u32 = 0u;
override WR2: u32 = 0u;
override WR3: u32 = 0u;
override WR4: u32 = 0u;
override WR5: u32 = 0u;
override WR6: u32 = 0u;
override WR7: u32 = 0u;
override WINV: bool = false;
override WMFAST: bool = false;

// One Stockham stage of radix R after stages multiplying to ns, every transform of the workgroup,
// from the half of `sh` at `a` to the half at `b` (transform slot m at m·WN, invocation li), in the
// direction `inv` (WINV, except in wgFilter: both).
fn wgStage(R: u32, ns: u32, a: u32, b: u32, li: u32, inv: bool) {
  let B = WN / R;
  let m = li / WTPT;
  let lt = li % WTPT;
  if (m >= WPER) { return; }
  // A stage of up to UNROLL butterflies per invocation is unrolled; longer ones loop (unrolled, a
  // long stage of a large transform took llvmpipe seconds to compile, and ran no faster).
  if ((B + WTPT - 1u) / WTPT <= UNROLL) {
    for (var k = 0u; k < (B + WTPT - 1u) / WTPT; k++) {
      let j = lt + k * WTPT;
      if (j < B) { wgButterfly(R, ns, a, b, m, j, inv); }
    }
  } else {
    for (var j = lt; j < B; j += WTPT) { wgButterfly(R, ns, a, b, m, j, inv); }
  }
}
const UNROLL: u32 = 2u;

// Butterfly j (of WN / R) of wgStage: R values of slot m from the half at `a`, twiddled, transformed,
// stored Stockham-ordered into the half at `b`.
fn wgButterfly(R: u32, ns: u32, a: u32, b: u32, m: u32, j: u32, inv: bool) {
  let B = WN / R;
  let step = WN / (ns * R);
  let kk = j % ns;
  var v: array<vec2<f32>, 8>;
  for (var r = 0u; r < R; r++) { v[r] = sh[a + m * WN + j + r * B]; }
  // Twiddles from the table (each rounded once from float64; powers of one value computed here
  // were 5–13% faster end to end and 1.5× less accurate); none in the first stage.
  if (ns > 1u) {
    for (var r = 1u; r < R; r++) { v[r] = cmul(v[r], twiddle(r * kk * step, inv)); }
  }
  dft(R, &v, inv);
  let d = b + m * WN + (j / ns) * ns * R + kk;
  for (var r = 0u; r < R; r++) { sh[d + r * ns] = v[r]; }
}

// Every stage in direction `inv`, ping-ponging between the halves of `sh` from the half at `start`
// (0 or WPER·WN); returns the offset of the half holding the result.
fn wgStages(li: u32, start: u32, inv: bool) -> u32 {
  let half = WPER * WN;
  var s = start;
  var ns = 1u;
  if (WR0 != 0u) { wgStage(WR0, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR0; }
  if (WR1 != 0u) { wgStage(WR1, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR1; }
  if (WR2 != 0u) { wgStage(WR2, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR2; }
  if (WR3 != 0u) { wgStage(WR3, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR3; }
  if (WR4 != 0u) { wgStage(WR4, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR4; }
  if (WR5 != 0u) { wgStage(WR5, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR5; }
  if (WR6 != 0u) { wgStage(WR6, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR6; }
  if (WR7 != 0u) { wgStage(WR7, ns, s, half - s, li, inv); workgroupBarrier(); s = half - s; ns *= WR7; }
  return s;
}

// Slot and element of the l-th value a workgroup loads or stores.
fn slotElem(l: u32) -> vec2<u32> {
  return select(vec2<u32>(l / WN, l % WN), vec2<u32>(l % WPER, l / WPER), WMFAST);
}
// An output value: scaled, and post-twiddled for the first pass of a four-step transform.
fn finish(x: vec2<f32>, t: u32, i: u32) -> vec2<f32> {
  var y = x * P.scale;
  if (P.twN != 0u) { y = cmul(y, conjIf(tw2[(t % P.nb0) * i], WINV)); }
  return y;
}

// Transform t's (input, output) bases; for wgFilter (`weighted`) its data's base and that of its
// weight transform, t mod (nb0·planes) in the input layout.
fn basesOf(t: u32, weighted: bool) -> vec2<u32> {
  if (weighted) { return vec2<u32>(inBase(t), inBase(t % P.nb0 + ((t / P.nb0) % P.planes) * P.nb0)); }
  return vec2<u32>(inBase(t), outBase(t));
}

// The slots' bases of the workgroup whose first transform is t0, into `sh` after the two halves when
// WPER > 1; returns slot 0's.
fn setBases(li: u32, t0: u32, weighted: bool) -> vec2<u32> {
  if (WPER > 1u) {
    if (li < WPER) { sh[2u * WPER * WN + li] = bitcast<vec2<f32>>(basesOf(t0 + li, weighted)); }
    workgroupBarrier();
  }
  return basesOf(t0, weighted);
}
// Slot m's (input, output) base; b0 is slot 0's.
fn baseOf(m: u32, b0: vec2<u32>) -> vec2<u32> {
  if (WPER == 1u) { return b0; }
  return bitcast<vec2<u32>>(sh[2u * WPER * WN + m]);
}

// The loads and stores between memory and `sh` here and in wgFilter loop with a runtime trip count:
// unrolled (WN / WG copies), they cost llvmpipe 0.25–0.4 s more to compile per kernel and ran no
// faster. (fft.conv.wgsl's row loads and stores, with the boundary rule, stay unrolled: looped, 2-D
// FFT convolution ran 3–6% slower.)

// The workgroup's transforms from workgroup memory (stage results at `res`) to dst, finished.
fn storeSlots(li: u32, t0: u32, b0: vec2<u32>, res: u32) {
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    let t = t0 + mi.x;
    if (t < P.count) { dst[baseOf(mi.x, b0).y + mi.y * P.ostr] = finish(sh[res + mi.x * WN + mi.y], t, mi.y); }
  }
}

// The workgroup's transforms from src (at their input bases) into the first half of `sh`; ends with a barrier.
fn loadSlots(li: u32, t0: u32, b0: vec2<u32>) {
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    if (t0 + mi.x < P.count) { sh[mi.x * WN + mi.y] = src[baseOf(mi.x, b0).x + mi.y * P.istr]; }
  }
  workgroupBarrier();
}

// WPER transforms per workgroup, in workgroup memory: src → dst.
@compute @workgroup_size(WG)
fn wg(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
      @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  let b0 = setBases(li, t0, false);
  loadSlots(li, t0, b0);
  storeSlots(li, t0, b0, wgStages(li, 0u, WINV));
}

// The same in place (one buffer; input and output layouts may still differ).
@compute @workgroup_size(WG)
fn wgInPlace(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  let b0 = setBases(li, t0, false);
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    if (t0 + mi.x < P.count) { sh[mi.x * WN + mi.y] = dst[baseOf(mi.x, b0).x + mi.y * P.istr]; }
  }
  workgroupBarrier();
  storeSlots(li, t0, b0, wgStages(li, 0u, WINV));
}

// One Stockham stage in global memory (radix P.radix after P.ns): one butterfly per invocation.
@compute @workgroup_size(WG)
fn stage(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let R = P.radix;
  let n = P.n;
  let ns = P.ns;
  let B = n / R;
  let t = e / B;
  let j = e % B;
  let ib = inBase(t);
  let kk = j % ns;
  let step = n / (ns * R);
  var v: array<vec2<f32>, 8>;
  for (var r = 0u; r < R; r++) {
    let x = src[ib + (j + r * B) * P.istr];
    v[r] = select(x, cmul(x, twiddle(r * kk * step, P.inv == 1u)), r > 0u && kk > 0u);
  }
  dft(R, &v, P.inv == 1u);
  let ob = outBase(t) + ((j / ns) * ns * R + kk) * P.ostr;
  for (var r = 0u; r < R; r++) { dst[ob + r * ns * P.ostr] = v[r] * P.scale; }
}

// Bluestein, step 1: a[t, i] = x[t, i]·c[i] (i < n), 0 up to m; c = e^{∓πi·i²/n} (tw2, conjugated
// for the inverse). dst is [count, m] contiguous.
@compute @workgroup_size(WG)
fn chirpPre(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let t = e / P.m;
  let i = e % P.m;
  var y = vec2<f32>(0.0);
  if (i < P.n) { y = cmul(src[inBase(t) + i * P.istr], conjIf(tw2[i], P.inv == 1u)); }
  dst[e] = y;
}

// Bluestein, step 2: pointwise product with the chirp filter's spectrum (tw2, length m), in place.
@compute @workgroup_size(WG)
fn spectrumMul(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  dst[e] = cmul(dst[e], tw2[e % P.m]);
}

// Bluestein, step 3: X[t, k] = c[k]·a'[t, k]·scale (k < n) from src [count, m] into dst's layout.
@compute @workgroup_size(WG)
fn chirpPost(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let t = e / P.n;
  let k = e % P.n;
  dst[outBase(t) + k * P.ostr] = cmul(src[t * P.m + k], conjIf(tw2[k], P.inv == 1u)) * P.scale;
}

// Cropping / zero-padding of [planes, srcRows, srcCols] f32 into [planes, rows, dstCols], times
// P.scale; PAD_EXPAND reads real values into complex pairs, PAD_TAKE complex pairs' real parts.
@compute @workgroup_size(WG)
fn pad(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let c = e % P.dstCols;
  let r = (e / P.dstCols) % P.rows;
  let b = e / (P.dstCols * P.rows);
  var sc = c;
  var ok = true;
  if (P.mode == PAD_EXPAND) { sc = c / 2u; ok = (c & 1u) == 0u; }
  if (P.mode == PAD_TAKE) { sc = 2u * c; }
  var y = 0.0;
  if (ok && r < P.srcRows && sc < P.srcCols) { y = srcF[(b * P.srcRows + r) * P.srcCols + sc] * P.scale; }
  dstF[e] = y;
}
