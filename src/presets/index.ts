/**
 * Named image-filter kernels (`box:5`, `gaussian:sigma=2`, `sobel-x`, `motion:length=9,angle=30`, …)
 * and the pure pixel arithmetic that turns a filtered result into displayable values (`--abs`,
 * `--offset`, `--normalize`, clamping, rounding to a bit depth). Shared by the CLI and the browser
 * demo; no GPU and no Node APIs here.
 *
 * Kernels are written in *convolution* form, the way `convolve2d` (the CLI's default) applies them:
 * with `sobel-x` a picture that gets brighter to the right gives positive values. Correlating with
 * them (`--correlate`) mirrors the asymmetric ones (sobel, prewitt, emboss) and leaves the
 * symmetric ones unchanged.
 *
 * This file is the module's public surface (`webgpu-conv/presets`); the code lives in
 * ./kernels.ts (kernel builders), ./table.ts (the preset table), ./parse.ts (preset specs) and
 * ./mapping.ts (from filtered values to pixels).
 */
export { boxKernel, gaussianKernel, gaussianSize, kernelFromRows, kernelRows, motionKernel, unsharpKernel } from './kernels.js';
export { PRESETS, PRESET_NAMES, findPreset, type PresetDefinition, type PresetParam } from './table.js';
export { customFilter, isPresetSpec, parsePreset, presetUsage, type ResolvedFilter } from './parse.js';
export {
  applyMapping,
  checkMapping,
  combineResults,
  maxAbsDiff,
  outputToInputOffset,
  quantize,
  quantizeAll,
  type Combine,
  type OutputMapping,
} from './mapping.js';
