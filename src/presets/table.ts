/**
 * The preset table: every named kernel family (`box`, `gaussian`, `sobel`, `motion`, …) with its
 * parameters, its display mapping and how it builds its kernel(s).
 */
import type { HostTensor } from '../types.js';
import { PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y, boxKernel, gaussianKernel, kernelFromRows, motionKernel, unsharpKernel } from './kernels.js';
import type { Combine, OutputMapping } from './mapping.js';

/** One numeric parameter of a preset. */
export interface PresetParam {
  name: string;
  /** Default value; `undefined` means derived from the others (e.g. a Gaussian's size from sigma). */
  default: number | undefined;
  min: number;
  max: number;
  integer: boolean;
  description: string;
}

/** A named kernel family. */
export interface PresetDefinition {
  name: string;
  description: string;
  /** Parameters in positional order (`box:5` sets the first). */
  params: readonly PresetParam[];
  /** The result can be negative (an edge or derivative filter): show it with abs/offset/normalize. */
  signed: boolean;
  /** The mapping the demo and `npm start` use for this preset. */
  display: OutputMapping;
  combine?: Combine;
  /** Builds the kernel(s) from complete parameters. */
  build(params: Readonly<Record<string, number>>): HostTensor[];
}

const CLAMP: OutputMapping = {};
const MID_GREY: OutputMapping = { offset: 0.5 };
const ABS_GAIN4: OutputMapping = { abs: true, gain: 4 };
const EDGE_GAIN: OutputMapping = { gain: 2 };

function p(name: string, def: number | undefined, min: number, max: number, integer: boolean, description: string): PresetParam {
  return { name, default: def, min, max, integer, description };
}

const fixed = (kernel: HostTensor) => () => [kernel];

/** Every preset, in the order the help and the demo list them. */
export const PRESETS: readonly PresetDefinition[] = [
  {
    name: 'identity',
    description: 'leaves the image as it is (a 1×1 kernel of 1)',
    params: [],
    signed: false,
    display: CLAMP,
    build: fixed(kernelFromRows([[1]])),
  },
  {
    name: 'box',
    description: 'mean over a size×size square',
    params: [p('size', 3, 1, 63, true, 'side length in pixels')],
    signed: false,
    display: CLAMP,
    build: (a) => [boxKernel(a.size as number)],
  },
  {
    name: 'gaussian',
    description: 'Gaussian blur; size defaults to 2⌈3σ⌉+1',
    params: [p('sigma', 1, 0.1, 150, false, 'standard deviation in pixels'), p('size', undefined, 1, 1025, true, 'side length (default 2⌈3σ⌉+1)')],
    signed: false,
    display: CLAMP,
    build: (a) => [gaussianKernel(a.sigma as number, a.size)],
  },
  {
    name: 'sharpen',
    description: '3×3 sharpening: 5 at the centre, −1 at the four neighbours',
    params: [],
    signed: false,
    display: CLAMP,
    build: fixed(kernelFromRows([
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ])),
  },
  {
    name: 'unsharp',
    description: 'unsharp mask (1+amount)·δ − amount·Gaussian(σ)',
    params: [
      p('sigma', 1.5, 0.1, 20, false, 'blur standard deviation in pixels'),
      p('amount', 1, 0, 10, false, 'strength'),
      p('size', undefined, 1, 127, true, 'side length (default 2⌈3σ⌉+1)'),
    ],
    signed: false,
    display: CLAMP,
    build: (a) => [unsharpKernel(a.sigma as number, a.amount as number, a.size)],
  },
  {
    name: 'laplacian',
    description: '3×3 Laplacian (4-neighbour second derivative); signed',
    params: [],
    signed: true,
    display: ABS_GAIN4,
    build: fixed(kernelFromRows([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ])),
  },
  {
    name: 'sobel-x',
    description: 'Sobel derivative along x (positive where brightness rises to the right); signed',
    params: [],
    signed: true,
    display: MID_GREY,
    build: fixed(SOBEL_X),
  },
  {
    name: 'sobel-y',
    description: 'Sobel derivative along y (positive where brightness rises downwards); signed',
    params: [],
    signed: true,
    display: MID_GREY,
    build: fixed(SOBEL_Y),
  },
  {
    name: 'sobel',
    description: 'Sobel gradient magnitude √(gx² + gy²)',
    params: [],
    signed: false,
    display: EDGE_GAIN,
    combine: 'magnitude',
    build: () => [SOBEL_X, SOBEL_Y],
  },
  {
    name: 'prewitt-x',
    description: 'Prewitt derivative along x; signed',
    params: [],
    signed: true,
    display: MID_GREY,
    build: fixed(PREWITT_X),
  },
  {
    name: 'prewitt-y',
    description: 'Prewitt derivative along y; signed',
    params: [],
    signed: true,
    display: MID_GREY,
    build: fixed(PREWITT_Y),
  },
  {
    name: 'prewitt',
    description: 'Prewitt gradient magnitude √(gx² + gy²)',
    params: [],
    signed: false,
    display: EDGE_GAIN,
    combine: 'magnitude',
    build: () => [PREWITT_X, PREWITT_Y],
  },
  {
    name: 'emboss',
    description: '3×3 emboss (relief lit from the top left)',
    params: [],
    signed: false,
    display: CLAMP,
    build: fixed(kernelFromRows([
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ])),
  },
  {
    name: 'motion',
    description: 'motion blur along a line',
    params: [
      p('length', 9, 1, 99, true, 'line length in pixels'),
      p('angle', 0, -360, 360, false, 'degrees counter-clockwise from horizontal'),
    ],
    signed: false,
    display: CLAMP,
    build: (a) => [motionKernel(a.length as number, a.angle as number)],
  },
];

/** Preset names in table order. */
export const PRESET_NAMES: readonly string[] = PRESETS.map((d) => d.name);

/** The definition called `name`, or undefined. */
export function findPreset(name: string): PresetDefinition | undefined {
  return PRESETS.find((d) => d.name === name);
}
