// Images in and out of the engine (src/image/): unpacking a source's interleaved samples (8- or
// 16-bit unsigned integers or float32 in a buffer, or a texture) into planar float32 [planes, H, W]
// in units of full scale (colour planes, then alpha); the range of the mapped result (normalize);
// packing filtered planes into interleaved samples or a texture: kernel results joined, alpha
// restored, output mapping, colour space, clamped to [0, 1].
//
// The arithmetic follows the CPU reference (src/cpu/image.ts) step by step:
//   unpack: c = sample / full scale; linear → c = srgbToLinear(c); premultiplied → c = c · α
//   pack:   v = r₀ (or √(r₀² + r₁²) joining two kernels); premultiplied → v = v / α_f (0 where α_f ≤ 0);
//           abs; · gain; normalize over the colour planes' [min, max] (NaN skipped) or + offset;
//           linear → v = linearToSrgb(clamp(v)); clamp to [0, 1] (NaN → 0); round to the output depth.

// An image larger than one buffer binding is done in bands of rows (src/image/bands.ts): each band's
// source rows are unpacked, filtered and packed on their own; one band is the whole image.
struct Params {
  g: Geometry,      // H, W: the source; OH: the band's output rows; OW: the output's width
  gain: f32,
  offset: f32,
  dy: i32,          // where output pixel (0, 0) sits in the source (a copied alpha is read there)
  dx: i32,
  srcRow0: u32,     // the band's first source row (unpack: the first row to read)
  srcRows: u32,     // source rows unpacked for the band (planes: [colours (+ alpha), srcRows, W])
  outRow0: u32,     // the band's first output row
  resH: u32,        // the band's filtered planes: resH × resW
  resW: u32,
  resY: u32,        // the row of the band's first output row in them
  total: u32,       // invocations needed: pixels, or output words
  wgTotal: u32,
}
@group(0) @binding(0) var<uniform> P: Params;

// Invocations per workgroup (the host reads it).
const WG: u32 = 64u;

// Alpha handling (the host reads these): none (no alpha channel), copied from the source, filtered
// like a colour plane, or premultiplied into the colour planes before filtering.
const ALPHA_NONE: u32 = 0u;
const ALPHA_COPY: u32 = 1u;
const ALPHA_FILTER: u32 = 2u;
const ALPHA_PREMULTIPLIED: u32 = 3u;

// Samples per pixel (1 grey, 2 grey + alpha, 3 RGB, 4 RGBA) of the buffer or texture read or written.
override CHANNELS: u32 = 4u;
// Bits per sample of a buffer: 8 or 16 (unsigned integers, full scale 2^DEPTH − 1) or 32 (float).
override DEPTH: u32 = 8u;
// Colour planes: 1 or 3.
override COLORS: u32 = 3u;
override ALPHA: u32 = ALPHA_NONE;
// Filter in linear light: decode sRGB when unpacking, encode when packing.
override LINEAR: bool = false;
// Join two kernel results as √(r₀² + r₁²) (Sobel magnitude).
override MAGNITUDE: bool = false;
override ABS: bool = false;
override NORMALIZE: bool = false;

@group(0) @binding(1) var<storage, read> raw: array<u32>;              // unpack_buffer: packed samples
@group(0) @binding(2) var<storage, read_write> planes: array<f32>;     // unpack_*: [colours (+ alpha), H, W]
@group(0) @binding(3) var source: texture_2d<f32>;                     // unpack_texture
@group(0) @binding(4) var<storage, read> res0: array<f32>;             // find_range, pack_*: kernel result 0
@group(0) @binding(5) var<storage, read> res1: array<f32>;             // find_range, pack_*: kernel result 1 (MAGNITUDE)
@group(0) @binding(6) var<storage, read> unpacked: array<f32>;         // pack_*: the unpacked planes (ALPHA_COPY)
@group(0) @binding(7) var<storage, read_write> rangeAcc: array<atomic<u32>, 2>;  // find_range: ~key(min), key(max)
@group(0) @binding(8) var<storage, read> rangeKeys: array<u32>;        // pack_*: what find_range found
@group(0) @binding(9) var<storage, read_write> packed: array<u32>;     // pack_buffer: packed samples
@group(0) @binding(10) var out8: texture_storage_2d<rgba8unorm, write>;
@group(0) @binding(11) var out16: texture_storage_2d<rgba16float, write>;
@group(0) @binding(12) var out32: texture_storage_2d<rgba32float, write>;
@group(0) @binding(13) var video: texture_external;                    // unpack_video

fn srgbToLinear(c: f32) -> f32 {
  if (c <= 0.04045) { return c / 12.92; }
  return pow((c + 0.055) / 1.055, 2.4);
}

fn linearToSrgb(l: f32) -> f32 {
  if (l <= 0.0031308) { return 12.92 * l; }
  return 1.055 * pow(l, 1.0 / 2.4) - 0.055;
}

// [0, 1], NaN → 0.
fn unit(v: f32) -> f32 {
  return select(0.0, min(v, 1.0), v > 0.0);
}

fn invocation(wid: vec3<u32>, nwg: vec3<u32>, li: u32) -> u32 {
  return linearWorkgroup(wid, nwg) * WG + li;
}

// ---- unpack ----

// Sample s (pixel · CHANNELS + channel) of the packed buffer, full scale = 1.
fn rawSample(s: u32) -> f32 {
  if (DEPTH == 8u) { return f32((raw[s / 4u] >> (8u * (s % 4u))) & 0xffu) / 255.0; }
  if (DEPTH == 16u) { return f32((raw[s / 2u] >> (16u * (s % 2u))) & 0xffffu) / 65535.0; }
  return bitcast<f32>(raw[s]);
}

// Writes pixel p of the band's planes from its samples (grey in .x, alpha in .w for two channels).
fn storePixel(p: u32, s: vec4<f32>) {
  let n = P.srcRows * P.g.W;
  let hasAlpha = CHANNELS == 2u || CHANNELS == 4u;
  let a = select(1.0, s.w, hasAlpha);
  for (var c = 0u; c < COLORS; c++) {
    var v = s[c];
    if (LINEAR) { v = srgbToLinear(v); }
    if (ALPHA == ALPHA_PREMULTIPLIED) { v *= a; }
    planes[c * n + p] = v;
  }
  if (hasAlpha) { planes[COLORS * n + p] = a; }
}

@compute @workgroup_size(WG)
fn unpack_buffer(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                 @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  var s = vec4<f32>(0.0);
  for (var c = 0u; c < CHANNELS; c++) { s[c] = rawSample(p * CHANNELS + c); }
  if (CHANNELS == 2u) { s.w = s.y; }
  storePixel(p, s);
}

@compute @workgroup_size(WG)
fn unpack_texture(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  storePixel(p, textureLoad(source, vec2<u32>(p % P.g.W, P.srcRow0 + p / P.g.W), 0));
}

// A video frame (HTMLVideoElement, VideoFrame), imported without a copy; textureLoad converts it to RGB.
// (The buffer of pixels in memory holds the band's rows only; textures are read at srcRow0 on.)
@compute @workgroup_size(WG)
fn unpack_video(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  storePixel(p, textureLoad(video, vec2<u32>(p % P.g.W, P.srcRow0 + p / P.g.W)));
}

// ---- the result ----

// Kernel result(s) of plane c at the band's output pixel p, joined.
fn joined(c: u32, p: u32) -> f32 {
  let i = (c * P.resH + p / P.g.OW + P.resY) * P.resW + p % P.g.OW;
  if (MAGNITUDE) { return sqrt(res0[i] * res0[i] + res1[i] * res1[i]); }
  return res0[i];
}

// Filtered (or copied) alpha at the band's output pixel p (unclamped), 1 without alpha.
fn filteredAlpha(p: u32) -> f32 {
  if (ALPHA == ALPHA_FILTER || ALPHA == ALPHA_PREMULTIPLIED) { return joined(COLORS, p); }
  if (ALPHA == ALPHA_COPY) {
    let sy = clamp(i32(P.outRow0 + p / P.g.OW) + P.dy, 0, i32(P.g.H) - 1) - i32(P.srcRow0);
    let sx = u32(clamp(i32(p % P.g.OW) + P.dx, 0, i32(P.g.W) - 1));
    return unpacked[(COLORS * P.srcRows + u32(sy)) * P.g.W + sx];
  }
  return 1.0;
}

// Colour plane c at p after un-premultiplying, abs and gain (what normalize ranges over).
fn scaled(c: u32, p: u32, alpha: f32) -> f32 {
  var v = joined(c, p);
  if (ALPHA == ALPHA_PREMULTIPLIED) { v = select(0.0, v / alpha, alpha > 0.0); }
  if (ABS) { v = abs(v); }
  return v * P.gain;
}

// An order-preserving key of a float's bits (NaN excluded by the callers).
fn orderKey(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

fn fromKey(k: u32) -> f32 {
  return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}

fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

var<workgroup> wgLo: atomic<u32>;
var<workgroup> wgHi: atomic<u32>;

// rangeAcc (cleared to 0) ← [~key(min), key(max)] of the scaled colour values, NaN skipped.
@compute @workgroup_size(WG)
fn find_range(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  if (li == 0u) { atomicStore(&wgLo, 0u); atomicStore(&wgHi, 0u); }
  workgroupBarrier();
  let p = invocation(wid, nwg, li);
  if (p < P.total) {
    let a = filteredAlpha(p);
    for (var c = 0u; c < COLORS; c++) {
      let v = scaled(c, p, a);
      if (!isNan(v)) {
        atomicMax(&wgLo, ~orderKey(v));
        atomicMax(&wgHi, orderKey(v));
      }
    }
  }
  workgroupBarrier();
  if (li == 0u) {
    atomicMax(&rangeAcc[0], atomicLoad(&wgLo));
    atomicMax(&rangeAcc[1], atomicLoad(&wgHi));
  }
}

// Pixel p as written: colour in .xyz (grey in .x), alpha in .w, each in [0, 1].
fn outputPixel(p: u32) -> vec4<f32> {
  let a = filteredAlpha(p);
  var lo = 0.0;
  var span = 0.0;
  if (NORMALIZE && rangeKeys[1] != 0u) {
    lo = fromKey(~rangeKeys[0]);
    span = fromKey(rangeKeys[1]) - lo;
  }
  var o = vec4<f32>(0.0, 0.0, 0.0, unit(a));
  for (var c = 0u; c < COLORS; c++) {
    var v = scaled(c, p, a);
    if (NORMALIZE) {
      // A constant or unbounded range maps to 0, as on the CPU.
      v = select(0.0, (v - lo) / span, span > 0.0 && span <= 3.4028234e38);
    } else {
      v += P.offset;
    }
    if (LINEAR) { v = linearToSrgb(unit(v)); }
    o[c] = unit(v);
  }
  return o;
}

// Sample `ch` of an output pixel with CHANNELS channels (grey + alpha: alpha is channel 1).
fn channelOf(o: vec4<f32>, ch: u32) -> f32 {
  if (CHANNELS == 2u && ch == 1u) { return o.w; }
  return o[ch];
}

// One invocation per output word: 4 (8-bit), 2 (16-bit) or 1 (float) samples.
@compute @workgroup_size(WG)
fn pack_buffer(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
               @builtin(local_invocation_index) li: u32) {
  let w = invocation(wid, nwg, li);
  if (w >= P.total) { return; }
  let perWord = 32u / DEPTH;
  let samples = P.g.OH * P.g.OW * CHANNELS;
  var word = 0u;
  var last = 0xffffffffu;
  var o = vec4<f32>(0.0);
  for (var k = 0u; k < perWord; k++) {
    let s = w * perWord + k;
    if (s >= samples) { break; }
    let p = s / CHANNELS;
    if (p != last) { o = outputPixel(p); last = p; }
    let v = channelOf(o, s % CHANNELS);
    if (DEPTH == 32u) {
      word = bitcast<u32>(v);
    } else {
      let full = select(255.0, 65535.0, DEPTH == 16u);
      word |= u32(floor(v * full + 0.5)) << (DEPTH * k);
    }
  }
  packed[w] = word;
}

fn rgba(o: vec4<f32>) -> vec4<f32> {
  if (COLORS == 1u) { return vec4<f32>(o.x, o.x, o.x, o.w); }
  return o;
}

@compute @workgroup_size(WG)
fn pack_rgba8unorm(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                   @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  textureStore(out8, vec2<u32>(p % P.g.OW, P.outRow0 + p / P.g.OW), rgba(outputPixel(p)));
}

@compute @workgroup_size(WG)
fn pack_rgba16float(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  textureStore(out16, vec2<u32>(p % P.g.OW, P.outRow0 + p / P.g.OW), rgba(outputPixel(p)));
}

@compute @workgroup_size(WG)
fn pack_rgba32float(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                    @builtin(local_invocation_index) li: u32) {
  let p = invocation(wid, nwg, li);
  if (p >= P.total) { return; }
  textureStore(out32, vec2<u32>(p % P.g.OW, P.outRow0 + p / P.g.OW), rgba(outputPixel(p)));
}
