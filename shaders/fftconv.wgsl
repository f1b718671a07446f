// FFT convolution (src/algorithms/fft.ts): the canonical cross-correlation computed at stride 1 in
// tiles of TH × TW outputs (overlap-save). Per chunk of (n, tile) pairs:
//   padInput   — the tile's input span, boundary rule applied, into real FH × FW planes (zeros past it);
//   padWeights — each (k, c) kernel, dilated and flipped as the geometry says, into FH × FW planes;
//   (rfft2 of both, shaders/fft.wgsl)
//   mac        — Y[p, k] = Σ_c X[p, g·Cg + c] · conj(W[k, c]) in the frequency domain;
//   (irfft2 of Y)
//   crop       — out[n, k, oy, ox] = bias[k] + R[p, k, oy·sH − ty·TH, ox·sW − tx·TW].
// padInput and crop run only where the rows' transforms cannot read the input and write the output
// themselves (fft.conv.wgsl's wgRfftConv / wgIrfftConv do the same in workgroup memory); mac only
// with several channels per group (else fft.conv.wgsl's wgFilter, or wgRowFilter for one-row planes).
// Circular correlation of length FH ≥ TH + KHd − 1 (KHd the dilated kernel height) has no
// wrap-around for the TH rows kept, so no padding beyond the span is needed.

struct Params {
  g: Geometry,
  total: u32,
  wgTotal: u32,
  FH: u32,       // transform size
  FW: u32,
  TH: u32,       // stride-1 outputs per tile
  TW: u32,
  tilesX: u32,   // tiles per row of tiles
  tiles: u32,    // tiles per image
  pair0: u32,    // first (n, tile) pair of the chunk
  pairs: u32,    // pairs in the chunk
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;
// Consecutive values along the innermost dimension per invocation of padInput, padWeights, mac and
// crop (the host reads it): the index arithmetic, integer divisions by uniforms, runs once per run.
const RUN: u32 = 8u;

// Invocation e's run of a dimension of n values split into runs of RUN: (first index of the run,
// index of the row the run belongs to).
fn runOf(e: u32, n: u32) -> vec2<u32> {
  let runs = (n + RUN - 1u) / RUN;
  return vec2<u32>((e % runs) * RUN, e / runs);
}

// (n, ty, tx) of pair p of the whole job.
fn pairTile(p: u32) -> vec3<u32> {
  let tile = p % P.tiles;
  return vec3<u32>(p / P.tiles, tile / P.tilesX, tile % P.tilesX);
}

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// dst[pp, c, i, j] (pp < pairs, c < C, i < FH, j < FW) = x̃[n, c, ty·TH + i − padTop, tx·TW + j − padLeft]
// inside the tile's span of (TH + KHd − 1) × (TW + KWd − 1), else 0. One invocation per run of RUN
// columns of a row (P.total runs).
@compute @workgroup_size(WG)
fn padInput(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let jr = runOf(e, P.FW);
  let j0 = jr.x;
  let row = jr.y;
  let i = row % P.FH;
  let plane = row / P.FH;
  let c = plane % P.g.C;
  let t = pairTile(P.pair0 + plane / P.g.C);
  let spanH = P.TH + (P.g.KH - 1u) * P.g.dH;
  let spanW = P.TW + (P.g.KW - 1u) * P.g.dW;
  let iy = boundaryIndex(i32(t.y * P.TH + i) - P.g.padTop, i32(P.g.H));
  let inRow = i < spanH;
  let sb = (t.x * P.g.C + c) * P.g.H + u32(max(iy, 0));
  let x0 = i32(t.z * P.TW) - P.g.padLeft;
  for (var q = 0u; q < RUN; q++) {
    let j = j0 + q;
    if (j < P.FW) {
      var v = 0.0;
      if (inRow && j < spanW) {
        let ix = boundaryIndex(x0 + i32(j), i32(P.g.W));
        v = P.g.fill;
        if (iy >= 0 && ix >= 0) { v = src[sb * P.g.W + u32(ix)]; }
      }
      dst[row * P.FW + j] = v;
    }
  }
}

// dst[k, c, i, j] = w[k, c, ky', kx'] where (i, j) = (ky·dH, kx·dW), flipped when FLIP; 0 elsewhere.
// One invocation per run of RUN columns of a row.
@compute @workgroup_size(WG)
fn padWeights(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let jr = runOf(e, P.FW);
  let j0 = jr.x;
  let row = jr.y;
  let i = row % P.FH;
  let plane = row / P.FH;
  let c = plane % P.g.Cg;
  let k = plane / P.g.Cg;
  let rowOk = i % P.g.dH == 0u && i / P.g.dH < P.g.KH;
  for (var q = 0u; q < RUN; q++) {
    let j = j0 + q;
    if (j < P.FW) {
      var v = 0.0;
      if (rowOk && j % P.g.dW == 0u && j / P.g.dW < P.g.KW) { v = src[weightIndex(k, c, i / P.g.dH, j / P.g.dW)]; }
      dst[row * P.FW + j] = v;
    }
  }
}

// Spectra: complex [planes, FH, FC] with FC = ⌊FW/2⌋ + 1, as interleaved (re, im).
@group(0) @binding(1) var<storage, read> xs: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> ws: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> ys: array<vec2<f32>>;

// ys[pp, k, f] = Σ_{c < Cg} xs[pp, g·Cg + c, f] · conj(ws[k, c, f]), g = k / Kg. One invocation
// per run of RUN bins of a (pp, k) plane.
@compute @workgroup_size(WG)
fn mac(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let bins = P.FH * (P.FW / 2u + 1u);
  let fr = runOf(e, bins);
  let f0 = fr.x;
  let k = fr.y % P.g.K;
  let pp = fr.y / P.g.K;
  let g = k / P.g.Kg;
  let xb = (pp * P.g.C + g * P.g.Cg) * bins;
  let wb = k * P.g.Cg * bins;
  let yb = (pp * P.g.K + k) * bins;
  for (var q = 0u; q < RUN; q++) {
    let f = f0 + q;
    if (f < bins) {
      var acc = vec2<f32>(0.0);
      for (var c = 0u; c < P.g.Cg; c++) {
        let x = xs[xb + c * bins + f];
        let w = ws[wb + c * bins + f];
        // x · conj(w)
        acc += vec2<f32>(x.x * w.x + x.y * w.y, x.y * w.x - x.x * w.y);
      }
      ys[yb + f] = acc;
    }
  }
}

@group(0) @binding(1) var<storage, read> res: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;

// For each stride-1 position (i, j) of each tile of the chunk that is an output position
// (multiples of the stride, inside OH·sH × OW·sW): out[n, k, oy, ox] = bias[k] + res[pp, k, i, j].
// One invocation per run of RUN positions of a tile row.
@compute @workgroup_size(WG)
fn crop(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let jr = runOf(e, P.TW);
  let j0 = jr.x;
  let i = jr.y % P.TH;
  let k = (jr.y / P.TH) % P.g.K;
  let pp = jr.y / (P.TH * P.g.K);
  let t = pairTile(P.pair0 + pp);
  let y = t.y * P.TH + i;
  if (y % P.g.sH != 0u) { return; }
  let oy = y / P.g.sH;
  if (oy >= P.g.OH) { return; }
  let ob = ((t.x * P.g.K + k) * P.g.OH + oy) * P.g.OW;
  let rb = ((pp * P.g.K + k) * P.FH + i) * P.FW;
  let b = bias[k];
  for (var q = 0u; q < RUN; q++) {
    let j = j0 + q;
    let x = t.z * P.TW + j;
    if (j < P.TW && x % P.g.sW == 0u && x / P.g.sW < P.g.OW) { outp[ob + x / P.g.sW] = b + res[rb + j]; }
  }
}
