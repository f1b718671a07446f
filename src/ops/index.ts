/** Every public op's job, by op name: the one place the engine and `explain()` turn a call into a `ConvJob`. */
import { OptionError } from '../errors.js';
import type { Conv1dOptions, Conv2dOptions, Filter1dOptions, Filter2dOptions } from '../types.js';
import { convJob, normalizeConv1d, normalizeConv2d } from './conv.js';
import { filter1dJob, filter2dJob, normalizeFilter1d, normalizeFilter2d } from './filter.js';
import type { ConvJob, TensorArg } from './job.js';

/** The options of each op. */
export interface OpOptions {
  conv2d: Conv2dOptions;
  conv1d: Conv1dOptions;
  convolve2d: Filter2dOptions;
  correlate2d: Filter2dOptions;
  convolve1d: Filter1dOptions;
  correlate1d: Filter1dOptions;
}

/** The name of a public op. */
export type OpName = keyof OpOptions;

/** Validates a call of `op` and returns its job (throws ShapeError / OptionError). */
export function makeJob<O extends OpName>(op: O, a: TensorArg, b: TensorArg, options?: OpOptions[O]): ConvJob {
  switch (op) {
    case 'conv2d': {
      const p = normalizeConv2d(a, b, options as Conv2dOptions | undefined);
      return convJob(p, a, b, [p.N, p.K, p.OH, p.OW]);
    }
    case 'conv1d': {
      const p = normalizeConv1d(a, b, options as Conv1dOptions | undefined);
      return convJob(p, a, b, [p.N, p.K, p.OW]);
    }
    case 'convolve2d':
    case 'correlate2d':
      return filter2dJob(normalizeFilter2d(a, b, options as Filter2dOptions | undefined, op), a, b, op === 'convolve2d');
    case 'convolve1d':
      return filter1dJob(normalizeFilter1d(a, b, options as Filter1dOptions | undefined, op, 'full'), a, b, true);
    case 'correlate1d':
      return filter1dJob(normalizeFilter1d(a, b, options as Filter1dOptions | undefined, op, 'valid'), a, b, false);
    default:
      throw new OptionError(`unknown op ${String(op)}: one of conv2d, conv1d, convolve2d, correlate2d, convolve1d, correlate1d`);
  }
}
