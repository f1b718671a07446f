// FFT convolution's kernels of the fft family (shaders/fft.wgsl; joined to it: one module, one
// Params; see src/algorithms/fft.ts): the rows of a chunk read from the input and written to the
// output by the transforms themselves, one-row planes filtered whole, and the column filter.
// fftconv.wgsl has the rest.

// FFT convolution's rows (src/algorithms/fft.ts), real planes never materialised: wgRfftConv reads
// each row of the chunk's input planes straight from the input (the tile's span, boundary rule
// applied, zeros past it: what fftconv.wgsl's padInput writes); wgIrfftConv writes each row's
// outputs straight into the output, plus bias (what its crop writes). Transform t is row t mod FH of
// plane t / FH of the chunk (C planes per pair forward, K inverse); spectra rows are contiguous
// (os1 / is1 apart). A row is described by (first element of its input / output row, or ROW_ZERO /
// ROW_FILL; x of its element 0; bias bits), kept after the two halves of `sh` when WPER > 1 (two
// values per slot).
@group(0) @binding(7) var<storage, read> biasF: array<f32>;

const ROW_ZERO: u32 = 0xffffffffu;
const ROW_FILL: u32 = 0xfffffffeu;

// With TRANSPOSED (wgRowFilter only: the separable algorithm's FFT column pass), the "rows" of the
// geometry are the columns of the planes in memory: row i of an H × W input plane is its column i,
// element j at j·H (the planes' row length in memory is the geometry's H), and likewise for the
// output (element j of output row i at j·OH). So the columns are filtered where they lie, without
// transposing the planes.
override TRANSPOSED: bool = false;
// The first element of row i of plane p (of `rows` rows of `len`), and the distance between its elements.
fn rowStart(p: u32, i: u32, rows: u32, len: u32) -> u32 {
  return select((p * rows + i) * len, p * rows * len + i, TRANSPOSED);
}
fn elemStride(rows: u32) -> u32 { return select(1u, rows, TRANSPOSED); }

// (n, ty, tx) of pair p of the whole job.
fn convTile(p: u32) -> vec3<u32> {
  let tile = p % P.tiles;
  return vec3<u32>(p / P.tiles, tile / P.tilesX, tile % P.tilesX);
}

// Input row t of the chunk: its first element in the input (or ROW_ZERO past the span, ROW_FILL on a
// 'fill' row) and the input x of its element 0.
fn convInRow(t: u32) -> vec3<u32> {
  let i = t % P.FH;
  let plane = t / P.FH;
  let tl = convTile(P.pair0 + plane / P.g.C);
  let x0 = bitcast<u32>(i32(tl.z * P.TW) - P.g.padLeft);
  if (i >= P.TH + (P.g.KH - 1u) * P.g.dH) { return vec3<u32>(ROW_ZERO, x0, 0u); }
  let iy = boundaryIndex(i32(tl.y * P.TH + i) - P.g.padTop, i32(P.g.H));
  if (iy < 0) { return vec3<u32>(ROW_FILL, x0, 0u); }
  return vec3<u32>(rowStart(tl.x * P.g.C + plane % P.g.C, u32(iy), P.g.H, P.g.W), x0, 0u);
}

// Output row t of the chunk: its first element in the output (ROW_ZERO: not an output row), the
// stride-1 x of its element 0, and the bias of its channel.
fn convOutRow(t: u32) -> vec3<u32> {
  let i = t % P.FH;
  let plane = t / P.FH;
  let k = plane % P.g.K;
  let tl = convTile(P.pair0 + plane / P.g.K);
  let y = tl.y * P.TH + i;
  let b = bitcast<u32>(biasF[k]);
  if (i >= P.TH || y % P.g.sH != 0u || y / P.g.sH >= P.g.OH) { return vec3<u32>(ROW_ZERO, 0u, b); }
  return vec3<u32>(rowStart(tl.x * P.g.K + k, y / P.g.sH, P.g.OH, P.g.OW), tl.z * P.TW, b);
}

// Slot m's rows in `sh` after the two halves (WPER > 1): `per` values per slot (2: one row and its
// third value; wgRowFilter 3: input row, output row, (bias, weight base)).
fn putConvRow(m: u32, r: vec3<u32>) {
  sh[2u * WPER * WN + 2u * m] = bitcast<vec2<f32>>(r.xy);
  sh[2u * WPER * WN + 2u * m + 1u] = bitcast<vec2<f32>>(vec2<u32>(r.z, 0u));
}
// Slot m's row at value `at` of its `per` (its third component from the next value); r0 is slot 0's.
fn convRowOf(m: u32, r0: vec3<u32>, per: u32, at: u32) -> vec3<u32> {
  if (WPER == 1u) { return r0; }
  let b = 2u * WPER * WN + per * m + at;
  return vec3<u32>(bitcast<vec2<u32>>(sh[b]), bitcast<vec2<u32>>(sh[b + 1u]).x);
}

// Element j of input row r.
fn convIn(r: vec3<u32>, j: u32) -> f32 {
  if (r.x == ROW_ZERO || j >= P.TW + (P.g.KW - 1u) * P.g.dW) { return 0.0; }
  let ix = boundaryIndex(bitcast<i32>(r.y) + i32(j), i32(P.g.W));
  if (r.x == ROW_FILL || ix < 0) { return P.g.fill; }
  return srcF[r.x + u32(ix) * elemStride(P.g.H)];
}

// Stores stride-1 element j of output row r (an output row) when it is an output position.
fn convOut(r: vec3<u32>, j: u32, v: f32) {
  if (j >= P.TW) { return; }
  var ox = r.y + j;
  if (P.g.sW > 1u) {
    if (ox % P.g.sW != 0u) { return; }
    ox = ox / P.g.sW;
  }
  if (ox < P.g.OW) { dstF[r.x + ox * elemStride(P.g.OH)] = bitcast<f32>(r.z) + v; }
}

@compute @workgroup_size(WG)
fn wgRfftConv(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  if (WPER > 1u) {
    if (li < WPER && t0 + li < P.count) { putConvRow(li, convInRow(t0 + li)); }
    workgroupBarrier();
  }
  loadConvRows(li, t0, convInRow(t0), 2u);
  untangle(li, t0, wgStages(li, 0u, false), vec2<u32>(0u), true);
}

// The workgroup's input rows (slot 0's r0; `per` values per slot) into the first half of `sh`; ends
// with a barrier.
fn loadConvRows(li: u32, t0: u32, r0: vec3<u32>, per: u32) {
  for (var k = 0u; k < (WPER * WN + WG - 1u) / WG; k++) {
    let l = li + k * WG;
    let mi = slotElem(l);
    if (l < WPER * WN && t0 + mi.x < P.count) {
      let r = convRowOf(mi.x, r0, per, 0u);
      sh[mi.x * WN + mi.y] = vec2<f32>(convIn(r, 2u * mi.y), convIn(r, 2u * mi.y + 1u));
    }
  }
  workgroupBarrier();
}

// The workgroup's inverse transforms at `res` into their output rows (slot 0's r0; value `at` of
// `per` per slot), times P.scale.
fn storeConvRows(li: u32, t0: u32, r0: vec3<u32>, res: u32, per: u32, at: u32) {
  for (var k = 0u; k < (WPER * WN + WG - 1u) / WG; k++) {
    let l = li + k * WG;
    let mi = slotElem(l);
    if (l < WPER * WN && t0 + mi.x < P.count) {
      let r = convRowOf(mi.x, r0, per, at);
      if (r.x != ROW_ZERO) {
        let v = sh[res + mi.x * WN + mi.y] * P.scale;
        convOut(r, 2u * mi.y, v.x);
        convOut(r, 2u * mi.y + 1u, v.y);
      }
    }
  }
}

@compute @workgroup_size(WG)
fn wgIrfftConv(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  if (WPER > 1u) {
    if (li < WPER && t0 + li < P.count) { putConvRow(li, convOutRow(t0 + li)); }
    workgroupBarrier();
  }
  let r0 = convOutRow(t0);
  fold(li, t0, vec2<u32>(0u), true);
  storeConvRows(li, t0, r0, wgStages(li, 0u, true), 2u, 0u);
}

// x · conj(w).
fn mulConj(x: vec2<f32>, w: vec2<f32>) -> vec2<f32> { return vec2<f32>(x.x * w.x + x.y * w.y, x.y * w.x - x.x * w.y); }

// FFT convolution of one-row planes (conv1d, the 1-D ops) with one channel per group, each tile in
// one kernel: the row read from the input (as wgRfftConv), transformed and untangled, each pair of
// bins (k, WN − k) multiplied by the conjugate weight spectrum (src: half spectra of WN + 1 values,
// plane t mod P.planes) and folded straight back, transformed back and written to the output (as
// wgIrfftConv). Saves the spectra's round trip through memory and the spectral product's pass.
@compute @workgroup_size(WG)
fn wgRowFilter(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  if (WPER > 1u) {
    if (li < WPER && t0 + li < P.count) {
      let t = t0 + li;
      let orow = convOutRow(t);
      let b = 2u * WPER * WN + 3u * li;
      sh[b] = bitcast<vec2<f32>>(convInRow(t).xy);
      sh[b + 1u] = bitcast<vec2<f32>>(orow.xy);
      sh[b + 2u] = bitcast<vec2<f32>>(vec2<u32>(orow.z, (t % P.planes) * (WN + 1u)));
    }
    workgroupBarrier();
  }
  let w0 = (t0 % P.planes) * (WN + 1u);
  loadConvRows(li, t0, convInRow(t0), 3u);
  let res = wgStages(li, 0u, false);
  let o = WPER * WN - res;
  let per = WN / 2u + 1u;
  for (var q = 0u; q < (WPER * per + WG - 1u) / WG; q++) {
    let l = li + q * WG;
    let m = l / per;
    let k = l % per;
    if (l < WPER * per && t0 + m < P.count) {
      var wb = w0;
      if (WPER > 1u) { wb = bitcast<vec2<u32>>(sh[2u * WPER * WN + 3u * m + 2u]).y; }
      let z = res + m * WN;
      let x = untangled(sh[z + k], sh[z + (WN - k) % WN], k);
      let y = folded(mulConj(x[0], src[wb + k]), mulConj(x[1], src[wb + WN - k]), k, WN);
      sh[o + m * WN + k] = y[0];
      if (k > 0u) { sh[o + m * WN + WN - k] = y[1]; }
    }
  }
  workgroupBarrier();
  storeConvRows(li, t0, convOutRow(t0), wgStages(li, o, true), 3u, 1u);
}

// FFT convolution's filtering of 2-D spectra along their columns, in place on dst (the plane
// spectra after their row transforms; src/algorithms/fft.ts): each column transformed forward,
// multiplied by the conjugate of the weight spectrum's matching column (src: full 2-D spectra of
// P.planes planes in dst's layout, data plane p using weight plane p mod P.planes), transformed back
// and scaled by P.scale. Saves a pass of each transform and the spectral product's own pass.
@compute @workgroup_size(WG)
fn wgFilter(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  let b0 = setBases(li, t0, true);
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    if (t0 + mi.x < P.count) { sh[mi.x * WN + mi.y] = dst[baseOf(mi.x, b0).x + mi.y * P.istr]; }
  }
  workgroupBarrier();
  let fwd = wgStages(li, 0u, false);
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    if (t0 + mi.x < P.count) {
      let i = fwd + mi.x * WN + mi.y;
      let x = sh[i];
      sh[i] = mulConj(x, src[baseOf(mi.x, b0).y + mi.y * P.istr]);
    }
  }
  workgroupBarrier();
  let res = wgStages(li, fwd, true);
  for (var l = li; l < WPER * WN; l += WG) {
    let mi = slotElem(l);
    if (t0 + mi.x < P.count) { dst[baseOf(mi.x, b0).x + mi.y * P.istr] = sh[res + mi.x * WN + mi.y] * P.scale; }
  }
}
