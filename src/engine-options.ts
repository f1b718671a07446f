/** Checking `createEngine`'s options: typed errors for bad values, the planning limits and algorithm preferences. */
import type { AlgorithmPreferences } from './algorithms/algorithm.js';
import { GEMM_VARIANTS } from './algorithms/im2col.js';
import type { EngineOptions } from './engine-types.js';
import { OptionError } from './errors.js';
import type { PlanLimits } from './gpu/recorder.js';

/** Default `poolCapBytes`. */
export const DEFAULT_POOL_CAP = 256 * 1024 * 1024;

const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxUniformBufferBindingSize',
] as const satisfies ReadonlyArray<keyof PlanLimits>;

/** Validates `options` against the device's limits; the limits the planners obey and the algorithms' preferences. */
export function checkEngineOptions(options: EngineOptions, deviceLimits: GPUSupportedLimits): { planLimits: PlanLimits; preferences: AlgorithmPreferences } {
  const limits = options.limits ?? {};
  const planLimits = {} as PlanLimits;
  for (const name of LIMIT_NAMES) {
    const given = limits[name];
    if (given !== undefined && (!Number.isInteger(given) || given < 1)) {
      throw new OptionError(`createEngine: limits.${name} must be a positive integer, got ${String(given)}`);
    }
    planLimits[name] = Math.min(deviceLimits[name], given ?? Infinity);
  }
  const cap = options.poolCapBytes ?? DEFAULT_POOL_CAP;
  if (!(cap >= 0)) throw new OptionError(`createEngine: poolCapBytes must be a non-negative number, got ${String(cap)}`);
  if (options.gemm !== undefined && !GEMM_VARIANTS.includes(options.gemm)) {
    throw new OptionError(`createEngine: gemm must be one of ${GEMM_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${String(options.gemm)}`);
  }
  if (options.winograd !== undefined && options.winograd !== 'F2x2' && options.winograd !== 'F4x4') {
    throw new OptionError(`createEngine: winograd must be 'F2x2' or 'F4x4', got ${String(options.winograd)}`);
  }
  if (options.separablePasses !== undefined && options.separablePasses !== 'direct' && options.separablePasses !== 'fft') {
    throw new OptionError(`createEngine: separablePasses must be 'direct' or 'fft', got ${String(options.separablePasses)}`);
  }
  for (const name of ['uniformWeights', 'textureInput', 'profile', 'autotune'] as const) {
    const v = options[name];
    if (v !== undefined && typeof v !== 'boolean') throw new OptionError(`createEngine: ${name} must be a boolean, got ${String(v)}`);
  }
  return { planLimits, preferences: Object.freeze({ gemm: options.gemm, uniformWeights: options.uniformWeights, textureInput: options.textureInput, winograd: options.winograd, separablePasses: options.separablePasses }) };
}
