/**
 * Test images for the CLI tests (test/cli-*.test.ts): small generated PNGs (RGB, grey, RGBA, 8- and
 * 16-bit) and a greyscale JPEG, written with pngjs; decoding of the PNGs the CLI writes; and the
 * input planes as the CPU reference sees them, decoded independently of the CLI's pipeline.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import type { HostTensor } from '../../src/index.js';

/** A smooth but non-trivial pattern in [0, 1) for channel c. */
function pattern(x: number, y: number, c: number): number {
  return (0.5 + 0.45 * Math.sin(0.7 * x + 1.3 * c) * Math.cos(0.5 * y - 0.4 * c) + 0.04 * ((x * 7 + y * 13 + c * 5) % 11) / 11) % 1;
}

export interface TestImage {
  width: number;
  height: number;
  channels: 1 | 3;
  depth: 8 | 16;
  /** Interleaved samples, colour then optional alpha. */
  samples: Uint16Array;
  alpha: boolean;
}

function makeImage(width: number, height: number, channels: 1 | 3, depth: 8 | 16, alpha: boolean): TestImage {
  const max = 2 ** depth - 1;
  const ch = channels + (alpha ? 1 : 0);
  const samples = new Uint16Array(width * height * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * ch;
      for (let c = 0; c < channels; c++) samples[i + c] = Math.round(pattern(x, y, c) * max);
      if (alpha) samples[i + channels] = Math.round(((x + y) / (width + height)) * max);
    }
  }
  return { width, height, channels, depth, samples, alpha };
}

export function writePng(path: string, img: TestImage): void {
  const colorType = img.channels === 1 ? (img.alpha ? 4 : 0) : img.alpha ? 6 : 2;
  const data = img.depth === 16 ? Uint16Array.from(img.samples) : Uint8Array.from(img.samples);
  const buf = PNG.sync.write({ width: img.width, height: img.height, data: data as unknown as Buffer } as PNG, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: img.alpha,
    bitDepth: img.depth,
  });
  writeFileSync(path, buf);
}

export interface Decoded {
  width: number;
  height: number;
  channels: number;
  colorType: number;
  depth: number;
  /** Planar colour planes (samples), and alpha samples if any. */
  planes: number[][];
  alpha: number[] | undefined;
}

/** Decodes a PNG written by the CLI (any colour type, 8/16 bits) into planes of samples. */
export function readPng(path: string): Decoded {
  const png = PNG.sync.read(readFileSync(path), { skipRescale: true });
  const data = png.data as unknown as ArrayLike<number>;
  const n = png.width * png.height;
  const channels = png.color ? 3 : 1;
  const planes = Array.from({ length: channels }, (_, c) => Array.from({ length: n }, (_, i) => data[4 * i + c] as number));
  const alpha = png.alpha ? Array.from({ length: n }, (_, i) => data[4 * i + 3] as number) : undefined;
  return { width: png.width, height: png.height, channels, colorType: png.colorType, depth: png.depth, planes, alpha };
}

/** The input as the reference sees it: planar colour in [0, 1], and the raw alpha samples. */
export function inputPlanes(img: TestImage): { planes: HostTensor; alpha: number[] | undefined } {
  const n = img.width * img.height;
  const ch = img.channels + (img.alpha ? 1 : 0);
  const max = 2 ** img.depth - 1;
  const data = new Float32Array(img.channels * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < img.channels; c++) data[c * n + i] = (img.samples[i * ch + c] as number) / max;
  const alpha = img.alpha ? Array.from({ length: n }, (_, i) => img.samples[i * ch + img.channels] as number) : undefined;
  return { planes: { data, shape: [img.channels, img.height, img.width] }, alpha };
}

/** The generated inputs, written by the fixture (test/support/cli.ts) as `<name>.png`. */
export const images = {
  rgb8: makeImage(23, 17, 3, 8, false),
  grey8: makeImage(19, 13, 1, 8, false),
  grey16: makeImage(17, 11, 1, 16, false),
  rgba8: makeImage(16, 12, 3, 8, true),
  rgb16: makeImage(13, 9, 3, 16, false),
};

/** A 12×10 greyscale (one-component) JPEG made with libjpeg's cjpeg -grayscale. */
export const GREY_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAKAAwBAREA/8QAFQABAQAAAAAAAAAAAAAAAAAACAn/xAApEAAAAwQJBQEAAAAAAAAAAAABAwQCBQlCAAYHCBESExYkGSU1RlJW/9oACAEBAAA/ADzCSu/+M4XxLSvlokRuGvDsJcFil8a8Hs+s70q+U+0Ls2a+XhqoDDjiGDtRCjOLZxNTHs5RaBoMmIgACyIhqEklTds45ckgUDUf5Km6wFsfHL9ZkD8u6Kf/2Q==';
