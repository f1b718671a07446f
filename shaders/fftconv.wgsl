// FFT convolution (src/algorithms/fft.ts): the canonical cross-correlation computed at stride 1 in
// tiles of TH × TW outputs (overlap-save). Per chunk of (n, tile) pairs:
//   padInput   — the tile's input span, boundary rule applied, into real FH × FW planes (zeros past it);
//   padWeights — each (k, c) kernel, dilated and flipped as the geometry says, into FH × FW planes;
//   (rfft2 of both, shaders/fft.wgsl)
//   mac        — Y[p, k] = Σ_c X[p, g·Cg + c] · conj(W[k, c]) in the frequency domain;
//   (irfft2 of Y)
//   crop       — out[n, k, oy, ox] = bias[k] + R[p, k, oy·sH − ty·TH, ox·sW − tx·TW].
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

// (n, ty, tx) of pair p of the whole job.
fn pairTile(p: u32) -> vec3<u32> {
  let tile = p % P.tiles;
  return vec3<u32>(p / P.tiles, tile / P.tilesX, tile % P.tilesX);
}

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// dst[pp, c, i, j] (pp < pairs, c < C, i < FH, j < FW) = x̃[n, c, ty·TH + i − padTop, tx·TW + j − padLeft]
// inside the tile's span of (TH + KHd − 1) × (TW + KWd − 1), else 0.
@compute @workgroup_size(WG)
fn padInput(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let j = e % P.FW;
  let i = (e / P.FW) % P.FH;
  let plane = e / (P.FW * P.FH);
  let c = plane % P.g.C;
  let t = pairTile(P.pair0 + plane / P.g.C);
  let spanH = P.TH + (P.g.KH - 1u) * P.g.dH;
  let spanW = P.TW + (P.g.KW - 1u) * P.g.dW;
  var v = 0.0;
  if (i < spanH && j < spanW) {
    let iy = boundaryIndex(i32(t.y * P.TH + i) - P.g.padTop, i32(P.g.H));
    let ix = boundaryIndex(i32(t.z * P.TW + j) - P.g.padLeft, i32(P.g.W));
    v = P.g.fill;
    if (iy >= 0 && ix >= 0) { v = src[((t.x * P.g.C + c) * P.g.H + u32(iy)) * P.g.W + u32(ix)]; }
  }
  dst[e] = v;
}

// dst[k, c, i, j] = w[k, c, ky', kx'] where (i, j) = (ky·dH, kx·dW), flipped when FLIP; 0 elsewhere.
@compute @workgroup_size(WG)
fn padWeights(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
              @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let j = e % P.FW;
  let i = (e / P.FW) % P.FH;
  let plane = e / (P.FW * P.FH);
  let c = plane % P.g.Cg;
  let k = plane / P.g.Cg;
  var v = 0.0;
  if (i % P.g.dH == 0u && j % P.g.dW == 0u && i / P.g.dH < P.g.KH && j / P.g.dW < P.g.KW) {
    v = src[weightIndex(k, c, i / P.g.dH, j / P.g.dW)];
  }
  dst[e] = v;
}

// Spectra: complex [planes, FH, FC] with FC = ⌊FW/2⌋ + 1, as interleaved (re, im).
@group(0) @binding(1) var<storage, read> xs: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read> ws: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read_write> ys: array<vec2<f32>>;

// ys[pp, k, f] = Σ_{c < Cg} xs[pp, g·Cg + c, f] · conj(ws[k, c, f]), g = k / Kg.
@compute @workgroup_size(WG)
fn mac(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
       @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let bins = P.FH * (P.FW / 2u + 1u);
  let f = e % bins;
  let k = (e / bins) % P.g.K;
  let pp = e / (bins * P.g.K);
  let g = k / P.g.Kg;
  var acc = vec2<f32>(0.0);
  for (var c = 0u; c < P.g.Cg; c++) {
    let x = xs[(pp * P.g.C + g * P.g.Cg + c) * bins + f];
    let w = ws[(k * P.g.Cg + c) * bins + f];
    // x · conj(w)
    acc += vec2<f32>(x.x * w.x + x.y * w.y, x.y * w.x - x.x * w.y);
  }
  ys[e] = acc;
}

@group(0) @binding(1) var<storage, read> res: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> outp: array<f32>;

// For each stride-1 position (i, j) of each tile of the chunk that is an output position
// (multiples of the stride, inside OH·sH × OW·sW): out[n, k, oy, ox] = bias[k] + res[pp, k, i, j].
@compute @workgroup_size(WG)
fn crop(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let j = e % P.TW;
  let i = (e / P.TW) % P.TH;
  let k = (e / (P.TW * P.TH)) % P.g.K;
  let pp = e / (P.TW * P.TH * P.g.K);
  let t = pairTile(P.pair0 + pp);
  let y = t.y * P.TH + i;
  let x = t.z * P.TW + j;
  if (y % P.g.sH != 0u || x % P.g.sW != 0u) { return; }
  let oy = y / P.g.sH;
  let ox = x / P.g.sW;
  if (oy >= P.g.OH || ox >= P.g.OW) { return; }
  outp[((t.x * P.g.K + k) * P.g.OH + oy) * P.g.OW + ox] = bias[k] + res[((pp * P.g.K + k) * P.FH + i) * P.FW + j];
}
