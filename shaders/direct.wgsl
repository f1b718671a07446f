// Direct convolution: each invocation computes OB neighbouring outputs of RB rows (a register
// block), reading the input straight from its buffer.

// This family's uniform: the geometry, then the dispatch's work and packed-tap window.
struct Params {
  g: Geometry,
  total: u32,   // invocations of the dispatch
  wgTotal: u32,
  m0: u32,      // TAPS: the dispatch's output channels [m0, m0 + mW)
  mW: u32,
  tapStride: u32,   // TAPS: vec4s of packed taps per output channel
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;
// Output columns per invocation: 4, or 8 (two vec4s) with TAPS.
override OB: u32 = 4u;
// Output rows per invocation: RB_MAX with unit stride and dilation in both dimensions (then input
// rows are shared between the rows of the block; 2 where 4 rows' packed taps exceed a window, fewer
// where the output has fewer rows), else 1.
override RB: u32 = 1u;
const RB_MAX: u32 = 4u;
// With UNIFORM_WEIGHTS the weights are read from a copy in a uniform buffer of UNIFORM_VEC4S vec4s
// (16 KiB, the compatibility-mode binding limit) instead of the storage buffer: on llvmpipe, where
// storage loads are costly, that measured 1.1× faster for image filters (SwiftShader: no gain).
override UNIFORM_WEIGHTS: bool = false;
const UNIFORM_VEC4S: u32 = 1024u;
struct UniformWeights { w: array<vec4<f32>, UNIFORM_VEC4S> }
// With TAPS (RB > 1 only) the uniform buffer instead holds a window of the weights, the dispatch's
// output channels [P.m0, P.m0 + P.mW), packed by packTaps below: for output channel k, input channel c,
// input row q of the block (q < RB + KH − 1) and kernel column kx, the vec4 at
//   (k − m0)·tapStride + (c·(RB + KH − 1) + q)·KW + kx
// holds the taps that row q meets in the block's four output rows rr = 0…3: w[k, c, q − rr, kx]
// (flipped when FLIP), 0 where q − rr is outside the kernel. One uniform vec4 load then feeds four
// rows without a branch (measured on the image filters a–c of the benchmark suite 1.2–1.5× faster
// on llvmpipe and 1.6–2.2× on SwiftShader; on the depthwise layer h 1.0× and 1.4×).
override TAPS: bool = false;
// The kernel size and the input channels per group when the host specialises the pipeline on them
// (0: read P.g.KH, P.g.KW, P.g.Cg): with constant trip counts the compiler unrolls the tap and channel
// loops (together measured 1.2× on llvmpipe for 3×3 and 5×5 filters and depthwise layers).
override FIXED_KH: u32 = 0u;
override FIXED_KW: u32 = 0u;
override FIXED_CG: u32 = 0u;

@group(0) @binding(1) var<storage, read> inp: array<f32>;
@group(0) @binding(2) var<storage, read> wts: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> outp: array<f32>;
// The same output binding seen as vec4s, for mainVec4 (OW a multiple of 4: every block starts
// 16-byte aligned and its two vec4s are whole or past the row's end).
@group(0) @binding(4) var<storage, read_write> outp4: array<vec4<f32>>;
@group(0) @binding(5) var<uniform> uwts: UniformWeights;

fn weightAt(i: u32) -> f32 {
  if (UNIFORM_WEIGHTS) { return uwts.w[i / 4u][i % 4u]; }
  return wts[i];
}

// With TEXTURE_INPUT the input is read from an r32float 2-D array texture, one layer per (n, c)
// plane, instead of the storage buffer (textureLoad is a vectorised gather on llvmpipe, where storage
// loads are costly).
override TEXTURE_INPUT: bool = false;
@group(0) @binding(6) var inTex: texture_2d_array<f32>;

// x̃ at row iy (already mapped by the boundary rule, −1: fill) and column x of input plane `plane`.
fn inputAt(plane: u32, iy: i32, x: i32) -> f32 {
  let ix = boundaryIndex(x, i32(P.g.W));
  if (iy < 0 || ix < 0) { return P.g.fill; }
  if (TEXTURE_INPUT) { return textureLoad(inTex, vec2<i32>(ix, iy), i32(plane), 0).x; }
  return inp[(plane * P.g.H + u32(iy)) * P.g.W + u32(ix)];
}

// The outputs (oy0 + rr, ox0 + i) of one invocation's block, before the bias: acc[rr] holds
// columns ox0 … ox0 + 3 of row rr, acc[RB_MAX + rr] columns ox0 + 4 … ox0 + 7 (OB = 8).
struct Block {
  n: u32,
  k: u32,
  oy0: u32,
  ox0: u32,
  acc: array<vec4<f32>, 8>,
}

// Index of the block's output (oy0 + rr, ox0) in the output tensor [N, K, OH, OW].
fn outputIndex(b: Block, rr: u32) -> u32 {
  return ((b.n * P.g.K + b.k) * P.g.OH + b.oy0 + rr) * P.g.OW + b.ox0;
}

fn computeBlock(t: u32) -> Block {
  // t enumerates (n, k, row block, column block) with the block of OB columns fastest.
  let blocks = (P.g.OW + OB - 1u) / OB;
  let rowBlocks = (P.g.OH + RB - 1u) / RB;
  let ox0 = (t % blocks) * OB;
  var r = t / blocks;
  let oy0 = (r % rowBlocks) * RB;
  r = r / rowBlocks;
  // Output channels of this dispatch: [m0, m0 + mW) with TAPS, all of them otherwise.
  let kCount = select(P.g.K, P.mW, TAPS);
  let k = r % kCount + select(0u, P.m0, TAPS);
  let n = r / kCount;
  let g = k / P.g.Kg;
  let tapBase = (k - P.m0) * P.tapStride;
  let KH = select(P.g.KH, FIXED_KH, FIXED_KH > 0u);
  let KW = select(P.g.KW, FIXED_KW, FIXED_KW > 0u);
  let Cg = select(P.g.Cg, FIXED_CG, FIXED_CG > 0u);

  var b = Block(n, k, oy0, ox0, array<vec4<f32>, 8>());
  for (var c = 0u; c < Cg; c++) {
    let plane = n * P.g.C + g * Cg + c;
    let x0 = i32(ox0 * P.g.sW) - P.g.padLeft;
    if (RB > 1u) {
      // Unit stride and dilation: input row oy0 − padTop + q feeds output row oy0 + rr through
      // kernel row q − rr, and along the row the OB-wide window slides one column per tap.
      let rows = RB + KH - 1u;
      for (var q = 0u; q < rows; q++) {
        let iy = boundaryIndex(i32(oy0 + q) - P.g.padTop, i32(P.g.H));
        var v = vec4<f32>(inputAt(plane, iy, x0), inputAt(plane, iy, x0 + 1),
                          inputAt(plane, iy, x0 + 2), inputAt(plane, iy, x0 + 3));
        var v2 = vec4<f32>(0.0);
        if (OB == 8u) {
          v2 = vec4<f32>(inputAt(plane, iy, x0 + 4), inputAt(plane, iy, x0 + 5),
                         inputAt(plane, iy, x0 + 6), inputAt(plane, iy, x0 + 7));
        }
        // Output rows rr of the block that input row q feeds: 0 ≤ q − rr < KH.
        let rr4 = vec4<u32>(0u, 1u, 2u, 3u);
        let reach = (vec4<u32>(q) >= rr4) & (vec4<u32>(q) - rr4 < vec4<u32>(KH));
        for (var kx = 0u; kx < KW; kx++) {
          if (TAPS) {
            // Rows that row q does not reach are skipped, not multiplied by a zero tap: 0 · ∞ is NaN.
            let w = uwts.w[tapBase + (c * rows + q) * KW + kx];
            // (Blocks of 2 rows leave the taps' z and w unused.)
            b.acc[0] += select(vec4<f32>(0.0), w.x * v, reach.x);
            b.acc[1] += select(vec4<f32>(0.0), w.y * v, reach.y);
            if (RB > 2u) {
              b.acc[2] += select(vec4<f32>(0.0), w.z * v, reach.z);
              b.acc[3] += select(vec4<f32>(0.0), w.w * v, reach.w);
            }
            if (OB == 8u) {
              b.acc[4] += select(vec4<f32>(0.0), w.x * v2, reach.x);
              b.acc[5] += select(vec4<f32>(0.0), w.y * v2, reach.y);
              if (RB > 2u) {
                b.acc[6] += select(vec4<f32>(0.0), w.z * v2, reach.z);
                b.acc[7] += select(vec4<f32>(0.0), w.w * v2, reach.w);
              }
            }
          } else {
            for (var rr = 0u; rr < RB; rr++) {
              if (q >= rr && q - rr < KH) { b.acc[rr] += weightAt(weightIndex(k, c, q - rr, kx)) * v; }
            }
          }
          if (OB == 8u) {
            v = vec4<f32>(v.yzw, v2.x);
            v2 = vec4<f32>(v2.yzw, inputAt(plane, iy, x0 + i32(kx) + 8));
          } else {
            v = vec4<f32>(v.yzw, inputAt(plane, iy, x0 + i32(kx) + 4));
          }
        }
      }
    } else {
      for (var ky = 0u; ky < KH; ky++) {
        let iy = boundaryIndex(i32(oy0 * P.g.sH + ky * P.g.dH) - P.g.padTop, i32(P.g.H));
        if (P.g.sW == 1u && P.g.dW == 1u) {
          // Unit stride and dilation along the row: the window slides one column per tap.
          var v = vec4<f32>(inputAt(plane, iy, x0), inputAt(plane, iy, x0 + 1),
                            inputAt(plane, iy, x0 + 2), inputAt(plane, iy, x0 + 3));
          for (var kx = 0u; kx < KW; kx++) {
            b.acc[0] += weightAt(weightIndex(k, c, ky, kx)) * v;
            v = vec4<f32>(v.yzw, inputAt(plane, iy, x0 + i32(kx) + 4));
          }
        } else {
          let sw = i32(P.g.sW);
          for (var kx = 0u; kx < KW; kx++) {
            let x = x0 + i32(kx * P.g.dW);
            b.acc[0] += weightAt(weightIndex(k, c, ky, kx)) *
                      vec4<f32>(inputAt(plane, iy, x), inputAt(plane, iy, x + sw),
                                inputAt(plane, iy, x + 2 * sw), inputAt(plane, iy, x + 3 * sw));
          }
        }
      }
    }
  }
  return b;
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let b = computeBlock(t);
  let bk = bias[b.k];
  // A constant trip count with the row check inside: a loop that exits on the row check indexes
  // acc dynamically, which put it in memory on llvmpipe (h measured ~2× slower).
  for (var rr = 0u; rr < RB; rr++) {
    if (b.oy0 + rr >= P.g.OH) { continue; }
    let o = outputIndex(b, rr);
    for (var i = 0u; i < 4u; i++) {
      if (b.ox0 + i < P.g.OW) { outp[o + i] = b.acc[rr][i] + bk; }
      if (OB == 8u && b.ox0 + 4u + i < P.g.OW) { outp[o + 4u + i] = b.acc[RB_MAX + rr][i] + bk; }
    }
  }
}

// main with vec4 stores (measured 1.1× on llvmpipe), for OW a multiple of 4.
@compute @workgroup_size(WG)
fn mainVec4(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let t = linearWorkgroup(wid, nwg) * WG + li;
  if (t >= P.total) { return; }
  let b = computeBlock(t);
  let bk = bias[b.k];
  for (var rr = 0u; rr < RB; rr++) {
    if (b.oy0 + rr >= P.g.OH) { continue; }
    let o = outputIndex(b, rr) / 4u;
    outp4[o] = b.acc[rr] + bk;
    if (OB == 8u && b.ox0 + 4u < P.g.OW) { outp4[o + 1u] = b.acc[RB_MAX + rr] + bk; }
  }
}

// Packs the taps for TAPS (layout above) into windows of UNIFORM_VEC4S vec4s: window w holds output
// channels w·mW … w·mW + mW − 1 (mW = UNIFORM_VEC4S / tapStride, rounded down), zero after them.
// One invocation per vec4 of the windows (P.total of them).
@group(0) @binding(1) var<storage, read_write> packed: array<vec4<f32>>;

@compute @workgroup_size(WG)
fn packTaps(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
            @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let rows = RB + P.g.KH - 1u;
  let local = (e % UNIFORM_VEC4S) / P.tapStride;
  let k = (e / UNIFORM_VEC4S) * P.mW + local;
  let i = (e % UNIFORM_VEC4S) % P.tapStride;
  let kx = i % P.g.KW;
  let q = (i / P.g.KW) % rows;
  let c = i / (P.g.KW * rows);
  var v = vec4<f32>(0.0);
  if (local < P.mW && k < P.g.K) {
    for (var rr = 0u; rr < 4u; rr++) {
      if (q >= rr && q - rr < P.g.KH) { v[rr] = wts[weightIndex(k, c, q - rr, kx)]; }
    }
  }
  packed[e] = v;
}
