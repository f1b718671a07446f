// @ts-check
/**
 * bench:gaussian's peers, the JavaScript image libraries: loading sharp, image-js and jimp (each
 * optional: one that does not load is reported, not fatal), and timing one of them on a cell, its
 * first output compared with ours 'auto' (`peerCheck`).
 */
import { readVersion } from './node-env.mjs';
import { jimpBoxRadius } from './gaussian-contenders.mjs';

/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */
/** @typedef {import('./gaussian-timing.mjs').Measurement} Measurement */
/** @typedef {ReturnType<typeof import('./gaussian-timing.mjs').createMeasure>} Measure */
/** @typedef {ReturnType<typeof import('./gaussian-images.mjs').layouts>} Layouts */

/**
 * @typedef {object} GaussianPeers
 * @property {any} sharp
 * @property {any} imageJs
 * @property {any} Jimp
 * @property {Record<string, string>} versions    per library loaded: its version (sharp: libvips', its concurrency, SIMD)
 * @property {Record<string, string>} unavailable why a peer library is unavailable
 */

/** Imports a package as `any` (a variable specifier keeps its own types out of this file). @param {string} name @returns {Promise<any>} */
const untyped = (name) => import(name);

/**
 * Loads the peer libraries (none with `enabled` false: --no-peers).
 * @param {boolean} enabled
 * @returns {Promise<GaussianPeers>}
 */
export async function loadPeers(enabled) {
  /** @type {Record<string, string>} */
  const peerVersions = {};
  /** @type {Record<string, string>} why a peer library is unavailable */
  const unavailable = {};
  /** @type {any} */ let sharp;
  /** @type {any} */ let imageJs;
  /** @type {any} */ let Jimp;
  if (enabled) {
    try {
      sharp = (await untyped('sharp')).default;
      peerVersions.sharp = `${readVersion('sharp')} (libvips ${sharp.versions?.vips ?? '?'}, concurrency ${sharp.concurrency()}, SIMD ${sharp.simd()})`;
    } catch (e) {
      unavailable.sharp = `sharp did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
    try {
      imageJs = await untyped('image-js');
      peerVersions['image-js'] = readVersion('image-js');
    } catch (e) {
      unavailable['image-js'] = `image-js did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
    try {
      Jimp = (await untyped('jimp')).Jimp;
      peerVersions.jimp = readVersion('jimp');
    } catch (e) {
      unavailable.jimp = `jimp did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    }
  }
  return { sharp, imageJs, Jimp, versions: peerVersions, unavailable };
}

/** The library of a peer contender ('' for ours and the CPU reference). @param {string} id */
export function peerLibrary(id) {
  return id.startsWith('sharp') ? 'sharp' : id.startsWith('image-js') ? 'image-js' : id.startsWith('jimp') ? 'jimp' : '';
}

/**
 * Times peer `m.id` on cell `c`: the image in its layout in, its result out; its first output goes
 * to `peerCheck` (channel ch of pixel i).
 * @param {GaussianPeers} peers
 * @param {Measure} measure
 * @param {Measurement} m
 * @param {Cell} c
 * @param {number} run
 * @param {Layouts} L
 * @param {(at: (ch: number, i: number) => number) => void} peerCheck
 */
export async function measurePeer(peers, measure, m, c, run, L, peerCheck) {
  const { sharp, imageJs, Jimp } = peers;
  const id = m.id;
  const C = c.channels;
  if (id === 'sharp' || id === 'sharp-matched') {
    const blur = id === 'sharp' ? c.sigma : { sigma: c.sigma, minAmplitude: 0.001, precision: 'float' };
    const raw = { width: c.side, height: c.side, channels: C };
    await measure(m, c, run, {
      // A one-channel raw input comes out as sRGB (3 channels) unless told 'b-w'.
      call: () => {
        const s = sharp(L.interleaved, { raw }).blur(blur);
        return (C === 1 ? s.toColourspace('b-w') : s).raw().toBuffer();
      },
      check: (/** @type {Buffer} */ out) => {
        if (out.length !== c.side * c.side * C) m.reason = `sharp returned ${out.length} bytes, not ${c.side * c.side * C}`;
        else peerCheck((ch, i) => /** @type {number} */ (out[i * C + ch]));
      },
    });
  } else if (id === 'image-js' || id === 'image-js-matched') {
    const image = new imageJs.Image(c.side, c.side, { data: L.interleaved, colorModel: C === 1 ? 'GREY' : 'RGB' });
    const o = id === 'image-js' ? { sigma: c.sigma } : { sigma: c.sigma, size: 2 * c.radius + 1 };
    await measure(m, c, run, {
      call: () => imageJs.gaussianBlur(image, o),
      check: (/** @type {any} */ out) => {
        const d = out.getRawImage().data;
        peerCheck((ch, i) => d[i * C + ch]);
      },
    });
  } else if (id === 'jimp-gaussian' || id === 'jimp-blur') {
    const rb = jimpBoxRadius(c.sigma);
    await measure(m, c, run, {
      prepare: () => new Jimp({ width: c.side, height: c.side, data: Buffer.from(L.rgba) }),
      call: (/** @type {any} */ image) => (id === 'jimp-gaussian' ? image.gaussian(c.sigma) : image.blur(rb)),
      check: (/** @type {any} */ out) => {
        const d = out.bitmap.data;
        peerCheck((ch, i) => d[i * 4 + ch]);
      },
    });
    if (id === 'jimp-blur') m.reason = `r = ${rb} (variance 2r(r+1)/3 = ${((2 * rb * (rb + 1)) / 3).toFixed(1)} vs σ² = ${c.sigma ** 2})`;
  }
}
