/**
 * Typed errors. Every error the library raises on purpose is a `ConvError`; callers can branch on
 * the subclass (or on `code`) instead of parsing messages.
 */
export class ConvError extends Error {
  /** Stable machine-readable code, e.g. `'SHAPE'`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
// Every class sets its `name` from a string literal rather than `new.target.name`, so minified
// bundles (which rename classes) still say `ShapeError`, not `t`. On the prototype, as for Error.
Object.defineProperty(ConvError.prototype, 'name', { value: 'ConvError', writable: true, configurable: true });

/** A tensor's data/shape/rank is inconsistent, or the shapes of the operands do not fit together. */
export class ShapeError extends ConvError {
  constructor(message: string) {
    super('SHAPE', message);
  }
}
Object.defineProperty(ShapeError.prototype, 'name', { value: 'ShapeError', writable: true, configurable: true });

/** An option has an unknown, out-of-range or ill-typed value. */
export class OptionError extends ConvError {
  constructor(message: string) {
    super('OPTION', message);
  }
}
Object.defineProperty(OptionError.prototype, 'name', { value: 'OptionError', writable: true, configurable: true });

/** No WebGPU adapter could be found. The message says how to get one. */
export class NoAdapterError extends ConvError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NO_ADAPTER', message, options);
  }
}
Object.defineProperty(NoAdapterError.prototype, 'name', { value: 'NoAdapterError', writable: true, configurable: true });

/** The engine was used after `destroy()`. */
export class EngineDestroyedError extends ConvError {
  constructor(op: string) {
    super('DESTROYED', `${op}: the engine has been destroyed; create a new one with createEngine()`);
  }
}
Object.defineProperty(EngineDestroyedError.prototype, 'name', { value: 'EngineDestroyedError', writable: true, configurable: true });

/** A WebGPU validation or internal error raised while running an operation. */
export class GPUOperationError extends ConvError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('GPU', message, options);
  }
}
Object.defineProperty(GPUOperationError.prototype, 'name', { value: 'GPUOperationError', writable: true, configurable: true });

/** The work cannot fit the device's limits even after splitting, or the device ran out of memory. */
export class ResourceError extends ConvError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RESOURCE', message, options);
  }
}
Object.defineProperty(ResourceError.prototype, 'name', { value: 'ResourceError', writable: true, configurable: true });

/** The GPU device was lost while (or before) an operation ran. */
export class DeviceLostError extends ConvError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_LOST', message, options);
  }
}
Object.defineProperty(DeviceLostError.prototype, 'name', { value: 'DeviceLostError', writable: true, configurable: true });
