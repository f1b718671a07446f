// @ts-check
/**
 * bench:gaussian's contenders (README "Gaussian blur benchmark" and bench/README.md say more): their
 * ids, labels and semantics, which are selected, each one's kernel radius on a cell and its work per
 * call (to predict its time from another cell).
 *  - ours: `engine.gaussianBlur(image, { sigma, algorithm })` with 'auto', 'direct' (the 2-D kernel),
 *    'separable' and 'fft'; end to end (a host Float32Array in, the result read back: upload + blur +
 *    readback), and 'auto' GPU-resident (the image uploaded once, `output: 'gpu'`, timed until the
 *    queue is done); an explicit algorithm that rejects the shape (OptionError) is n/a;
 *  - our CPU reference `cpu.gaussianBlur` (float64, two 1-D passes, scipy.ndimage's formulation);
 *  - sharp (libvips) `.blur(σ)` with its defaults, and "matched" (`minAmplitude: 0.001, precision:
 *    'float'`, the closest its API gets to our radius and float weights), raw pixels in, raw out;
 *  - image-js `gaussianBlur(image, { sigma })` with its default kernel size (radius ⌈2σ⌉), and
 *    "matched" (`size` = our 2·r + 1);
 *  - jimp `image.gaussian(σ)` (2-D, radius ⌈2.57σ⌉) and `image.blur(r)` (its fast two-pass box blur,
 *    r chosen so that its variance 2r(r + 1)/3 is closest to σ²).
 * Peers get the image as 8-bit pixels in their own layout (jimp RGBA, the others interleaved), ours as
 * float32 planes [C, H, W] of the same values; conversions are not timed.
 */

/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */

export const OURS = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-fft', 'ours-gpu', 'ours-gpu-direct', 'ours-gpu-separable'];
/** Ours on the 15×15 cell (the only ones there); the GPU-resident direct and separable run there only. */
export const OURS_K15 = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-gpu-direct', 'ours-gpu-separable'];
export const PEERS = ['cpu-ref', 'sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-gaussian', 'jimp-blur'];
export const CONTENDERS = [...OURS, ...PEERS];
/** @type {Record<string, string>} */
export const LABEL = {
  'ours-auto': "ours 'auto' (end to end)",
  'ours-direct': "ours 'direct' (2-D kernel)",
  'ours-separable': "ours 'separable'",
  'ours-fft': "ours 'fft'",
  'ours-gpu': "ours 'auto', GPU-resident (GpuTensor in, output 'gpu')",
  'ours-gpu-direct': "ours 'direct', GPU-resident (15×15 cell)",
  'ours-gpu-separable': "ours 'separable', GPU-resident (15×15 cell)",
  'cpu-ref': 'our CPU reference cpu.gaussianBlur (float64 JS)',
  sharp: 'sharp .blur(σ) (libvips; integer mask, min amplitude 0.2)',
  'sharp-matched': "sharp .blur({ sigma, minAmplitude: 0.001, precision: 'float' })",
  'image-js': 'image-js gaussianBlur({ sigma }) (radius ⌈2σ⌉)',
  'image-js-matched': 'image-js gaussianBlur({ sigma, size: 2r + 1 }) (our radius)',
  'jimp-gaussian': 'jimp gaussian(σ) (2-D, radius ⌈2.57σ⌉)',
  'jimp-blur': 'jimp blur(r) (two box passes, variance-matched r)',
};
/** What each contender computes and how it is timed and checked: the results file's `semantics`. */
export const SEMANTICS = {
  ours: "scipy.ndimage.gaussian_filter: radius int(4σ + 0.5), weights exp(−x²/2σ²) normalised in float64, boundary 'reflect' (ndimage 'mirror'), float32 in and out",
  sharp: 'libvips gaussblur: radius = the last x with exp(−x²/2σ²) ≥ minAmplitude (default 0.2: ≈ 1.79σ); default precision integer (weights rint(20·exp(…)), integer arithmetic); 8-bit out',
  'sharp-matched': "minAmplitude 0.001 (the least sharp accepts: radius ≈ 3.72σ) and precision 'float'",
  'image-js': "separable, radius ⌈2σ⌉ by default (size 2⌈2σ⌉ + 1), normalised, border 'reflect101' (= ours), rounded to 8 bits",
  'image-js-matched': 'size 2·int(4σ + 0.5) + 1: the same kernel as ours',
  'jimp-gaussian': 'non-separable 2-D window of radius ⌈2.57σ⌉, edges clamped, on RGBA; writes each result into the image it is still reading (its later outputs read already-blurred pixels)',
  'jimp-blur': 'two passes of a (2r + 1) box blur per axis (a fast approximation, not a Gaussian), edges clamped, RGBA; r here chosen so 2r(r + 1)/3 ≈ σ²',
  timing: "ours end to end: a host Float32Array in, the result read back (upload + blur + readback); ours GPU-resident: the image uploaded once, output 'gpu', until the queue is done; peers: 8-bit pixels in their layout in, their result out (sharp: sharp(raw).blur().raw().toBuffer(); jimp: the call alone, the copy it blurs in place made before each call, untimed)",
  agreement: "each peer's first output of a run against ours 'auto' (float) on the interior: pixels further than max(our radius, its radius) from every edge; max and mean |difference| in 8-bit levels",
  err: "ours: worst |result − float64 sum| at sampled outputs (corners, edges, centre, random), 8-bit levels; > 0.05 fails the run",
};

/**
 * Is the contender selected (--contenders, --no-peers)? ours-auto always is.
 * @param {string} id @param {{ peers: boolean, contenders?: string }} opts
 */
export function selected(id, opts) {
  if (id === 'ours-auto') return true;
  if (!opts.peers && PEERS.includes(id) && id !== 'cpu-ref') return false;
  return !opts.contenders || new RegExp(opts.contenders, 'i').test(id);
}

/** sharp's radius: libvips' gaussmat keeps x while exp(−x²/2σ²) ≥ min amplitude. @param {number} sigma @param {number} minAmpl */
function vipsRadius(sigma, minAmpl) {
  const maxX = Math.min(Math.floor(8 * sigma), 5000);
  let x = 0;
  for (; x < maxX; x++) if (Math.exp(-(x * x) / (2 * sigma * sigma)) < minAmpl) break;
  return Math.max(x - 1, 0);
}
/** jimp blur's r: two passes of a (2r + 1)-box have variance 2r(r + 1)/3; the r closest to σ². @param {number} sigma */
export function jimpBoxRadius(sigma) {
  return Math.max(1, Math.min(254, Math.round((-1 + Math.sqrt(1 + 6 * sigma * sigma)) / 2)));
}
/**
 * Each contender's kernel radius on a cell (the interior compared is where every window fits).
 * @param {string} id @param {Cell} c
 */
export function radiusOf(id, c) {
  switch (id) {
    case 'sharp':
      return vipsRadius(c.sigma, 0.2);
    case 'sharp-matched':
      return vipsRadius(c.sigma, 0.001);
    case 'image-js':
      return Math.ceil(2 * c.sigma);
    case 'jimp-gaussian':
      return Math.ceil(2.57 * c.sigma);
    case 'jimp-blur':
      return 2 * jimpBoxRadius(c.sigma);
    default:
      return c.radius;
  }
}
/**
 * Work per call, for predicting a contender's time from another cell: multiply-adds of its method
 * (jimp works on 4 channels, RGBA, whatever the image; FFT: the padded transform's N·log2 N).
 * @param {string} id @param {Cell} c
 */
export function workOf(id, c) {
  const P = c.side * c.side;
  const C = c.channels;
  const k = 2 * radiusOf(id, c) + 1;
  switch (id) {
    case 'ours-direct':
    case 'ours-gpu-direct':
      return P * C * k * k;
    case 'jimp-gaussian':
      return P * 4 * k * k;
    case 'jimp-blur':
      return P * 4;
    case 'ours-fft': {
      const n = (c.side + 2 * c.radius) ** 2;
      return C * n * Math.log2(n);
    }
    case 'ours-auto':
    case 'ours-gpu':
      return P * C;
    default:
      return P * C * 2 * k; // two 1-D passes
  }
}
