// Tiled direct convolution. A workgroup of WG_X × WG_Y invocations owns an output tile of
// TILE_W = WG_X columns × TILE_H = RY·WG_Y rows for KB output channels of one group. For each input
// channel and each KCH × KCW chunk of the kernel it stages, in workgroup memory,
//   - the input patch the tile needs (with its halo), boundary rule applied once on load:
//       tin[ry][rx] = x̃[n, c, oy0·sH − padTop + ky0·dH + ry, ox0·sW − padLeft + kx0·dW + rx],
//     IN_ROWS = (TILE_H − 1)·sH + (KCH − 1)·dH + 1 rows by IN_COLS = (TILE_W − 1)·sW + (KCW − 1)·dW + 1,
//   - the KB × KCH × KCW weights of that chunk,
// then each invocation accumulates RY rows (one vec4) × KB channels from them.

// Rows per invocation: 4, or 1 for outputs of fewer than 4 rows (conv1d), which would waste the rest.
override RY: u32 = 4u;

// This family's uniform: the geometry, then the dispatch's workgroups.
struct Params {
  g: Geometry,
  total: u32,
  wgTotal: u32,
}
@group(0) @binding(0) var<uniform> P: Params;

override WG_X: u32 = 16u;
override WG_Y: u32 = 4u;
// Output channels per workgroup (divides Kg): at most KB_MAX, a power of two (the host reads KB_MAX).
const KB_MAX: u32 = 4u;
override KB: u32 = 1u;
override KCH: u32 = 3u;      // kernel chunk rows staged at once
override KCW: u32 = 3u;      // kernel chunk columns staged at once
override IN_ROWS: u32 = 18u;
override IN_COLS: u32 = 18u;

@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> wts: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> outp: array<f32>;

var<workgroup> tin: array<f32, IN_ROWS * IN_COLS>;
var<workgroup> twt: array<f32, KB * KCH * KCW>;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let wg = linearWorkgroup(wid, nwg);
  if (wg >= P.wgTotal) { return; }
  let TILE_W = WG_X;
  let TILE_H = RY * WG_Y;
  let tilesX = (P.g.OW + TILE_W - 1u) / TILE_W;
  let tilesY = (P.g.OH + TILE_H - 1u) / TILE_H;
  let kBlocks = P.g.K / KB;
  let ox0 = (wg % tilesX) * TILE_W;
  let oy0 = ((wg / tilesX) % tilesY) * TILE_H;
  let k0 = ((wg / (tilesX * tilesY)) % kBlocks) * KB;
  let n = wg / (tilesX * tilesY * kBlocks);
  let g = k0 / P.g.Kg;
  let threads = WG_X * WG_Y;

  var acc: array<vec4<f32>, KB_MAX>;   // acc[kb][r]: channel k0 + kb, row oy0 + RY·ly + r
  for (var c = 0u; c < P.g.Cg; c++) {
    let base = (n * P.g.C + g * P.g.Cg + c) * P.g.H * P.g.W;
    for (var ky0 = 0u; ky0 < P.g.KH; ky0 += KCH) {
      for (var kx0 = 0u; kx0 < P.g.KW; kx0 += KCW) {
        let y0 = i32(oy0 * P.g.sH + ky0 * P.g.dH) - P.g.padTop;
        let x0 = i32(ox0 * P.g.sW + kx0 * P.g.dW) - P.g.padLeft;
        for (var e = li; e < IN_ROWS * IN_COLS; e += threads) {
          let iy = boundaryIndex(y0 + i32(e / IN_COLS), i32(P.g.H));
          let ix = boundaryIndex(x0 + i32(e % IN_COLS), i32(P.g.W));
          var v = P.g.fill;
          if (iy >= 0 && ix >= 0) { v = inp[base + u32(iy) * P.g.W + u32(ix)]; }
          tin[e] = v;
        }
        for (var e = li; e < KB * KCH * KCW; e += threads) {
          let kb = e / (KCH * KCW);
          let ky = ky0 + (e / KCW) % KCH;
          let kx = kx0 + e % KCW;
          var v = 0.0;
          if (ky < P.g.KH && kx < P.g.KW) { v = wts[weightIndex(k0 + kb, c, ky, kx)]; }
          twt[e] = v;
        }
        workgroupBarrier();
        let kh = min(KCH, P.g.KH - ky0);
        let kw = min(KCW, P.g.KW - kx0);
        let rowStep = P.g.sH * IN_COLS;
        for (var ky = 0u; ky < kh; ky++) {
          for (var kx = 0u; kx < kw; kx++) {
            let i0 = (RY * lid.y * P.g.sH + ky * P.g.dH) * IN_COLS + lid.x * P.g.sW + kx * P.g.dW;
            var v = vec4<f32>(tin[i0], 0.0, 0.0, 0.0);
            if (RY == 4u) { v = vec4<f32>(v.x, tin[i0 + rowStep], tin[i0 + 2u * rowStep], tin[i0 + 3u * rowStep]); }
            for (var kb = 0u; kb < KB; kb++) {
              acc[kb] += v * twt[(kb * KCH + ky) * KCW + kx];
            }
          }
        }
        workgroupBarrier();
      }
    }
  }
  let ox = ox0 + lid.x;
  if (ox >= P.g.OW) { return; }
  for (var kb = 0u; kb < KB; kb++) {
    let k = k0 + kb;
    for (var r = 0u; r < RY; r++) {
      let oy = oy0 + RY * lid.y + r;
      if (oy < P.g.OH) { outp[((n * P.g.K + k) * P.g.OH + oy) * P.g.OW + ox] = acc[kb][r] + bias[k]; }
    }
  }
}
