/**
 * Finding a WebGPU adapter and device: `navigator.gpu` in browsers, Dawn's node bindings (the
 * `webgpu` package) in Node, with Mesa llvmpipe (OpenGL ES, compatibility mode) and SwiftShader
 * (Vulkan) as software fallbacks on GPU-less Linux machines.
 */
import { NoAdapterError, OptionError } from '../errors.js';

/** Which adapter Node should use. Browsers always use `navigator.gpu`'s choice. */
export type AdapterChoice = 'auto' | 'hardware' | 'swiftshader' | 'llvmpipe';

export interface DeviceOptions {
  /** Use this device; the engine will not destroy it. */
  device?: GPUDevice;
  /** Passed to `requestAdapter`. Default: not set. */
  powerPreference?: GPUPowerPreference;
  /** Extra `requestAdapter` options. */
  adapterOptions?: GPURequestAdapterOptions;
  /**
   * Node only. `'auto'` (default): a hardware adapter if present, else llvmpipe, else SwiftShader.
   * `'hardware'` fails rather than fall back to software.
   */
  adapter?: AdapterChoice;
  /** Do not print the one-line notice when a software adapter is used. Default false. */
  quiet?: boolean;
}

/** What is known about the adapter behind an engine. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (SwiftShader, llvmpipe, lavapipe, WARP…): timings are not GPU timings. */
  isSoftware: boolean;
  /** `'core'` or `'compatibility'` (WebGPU compatibility mode, e.g. llvmpipe through OpenGL ES). */
  featureLevel: 'core' | 'compatibility';
  /** Which of the Node choices produced this adapter (`'browser'` or `'external'` otherwise). */
  source: 'hardware' | 'swiftshader' | 'llvmpipe' | 'browser' | 'external';
}

export interface AcquiredDevice {
  device: GPUDevice;
  info: AdapterInfo;
  owned: boolean;
}

/** Mesa's llvmpipe / lavapipe, where several defaults differ (storage loads are costly there). */
export function isMesaSoftware(info: AdapterInfo): boolean {
  return /llvmpipe|lavapipe/i.test(`${info.device} ${info.description}`);
}

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const SOFTWARE_PATTERN = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render/i;
const HOW_TO =
  'On Debian/Ubuntu run `npm run setup:software-gpu` (installs chromium for SwiftShader and Mesa for llvmpipe), ' +
  'or point VK_ICD_FILENAMES at a Vulkan driver; in a browser, use one with WebGPU enabled (Chrome/Edge 113+, or a flag).';

let noticePrinted = false;

function describe(adapter: GPUAdapter, source: AdapterInfo['source'], compat: boolean): AdapterInfo {
  const i = adapter.info;
  const text = `${i.vendor} ${i.architecture} ${i.device} ${i.description}`;
  const fallback = (i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    isSoftware: fallback || SOFTWARE_PATTERN.test(text),
    featureLevel: compat || !adapter.features.has('core-features-and-limits') ? 'compatibility' : 'core',
    source,
  };
}

/** The limits we raise to the adapter's maximum: large tensors and big workgroup tiles need them. */
const RAISED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxTextureDimension2D',
  'maxTextureArrayLayers',
] as const;

async function openDevice(adapter: GPUAdapter): Promise<GPUDevice> {
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  return adapter.requestDevice({ label: 'webgpu-conv.device', requiredLimits, requiredFeatures });
}

interface NodeWebGPU {
  create(flags: string[]): GPU;
}

/**
 * Dawn's node bindings, an optional peer dependency (browser installs do not download Dawn). The
 * specifier is a variable, and the comments tell Vite and webpack to leave the import alone, so a
 * browser bundle neither follows nor warns about it; browsers never reach this function.
 */
async function loadNodeWebGPU(): Promise<NodeWebGPU> {
  const specifier = 'webgpu';
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as NodeWebGPU;
  } catch (cause) {
    throw new NoAdapterError(
      "WebGPU is not available in Node: the 'webgpu' package (Dawn's node bindings, an optional peer dependency of webgpu-conv) could not be loaded. " +
        'Install webgpu: `npm install webgpu` (or `npm install -g webgpu` next to a global webgpu-conv).',
      { cause },
    );
  }
}

/**
 * Node's built-in modules without an `import` a bundler would see (and externalize with a warning
 * for the browser build): `process.getBuiltinModule` exists from Node 20.16 (engines asks ≥ 20.19).
 */
function nodeFs(): typeof import('node:fs') {
  return process.getBuiltinModule('node:fs');
}

/**
 * True in Node itself; false in a page whose bundler defines a `process` polyfill (those have no
 * `process.versions.node`) and in Deno (which has one, but also `navigator.gpu`).
 */
export function isNode(g: object = globalThis): boolean {
  const p = (g as { process?: { versions?: { node?: unknown } } }).process;
  return typeof p?.versions?.node === 'string' && !('Deno' in g);
}

/**
 * Whether the Vulkan loader would find any driver (an ICD manifest), on Linux. Without one, Dawn's
 * Vulkan backend prints "Warning: vkCreateInstance: Found no drivers!" straight to stderr from native
 * code, so the hardware probe is skipped instead (on Linux Dawn's hardware adapters are Vulkan ones).
 * Other platforms: always true.
 */
export function hasVulkanDriver(env: Record<string, string | undefined> = process.env): boolean {
  if (process.platform !== 'linux') return true;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return true;
  const fs = nodeFs();
  const home = env.HOME ?? '';
  const config = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const data = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [
    ...config.map((d) => `${d}/vulkan/icd.d`),
    '/usr/local/etc/vulkan/icd.d',
    '/etc/vulkan/icd.d',
    `${env.XDG_DATA_HOME || `${home}/.local/share`}/vulkan/icd.d`,
    ...data.map((d) => `${d}/vulkan/icd.d`),
  ];
  for (const dir of dirs) {
    try {
      if (fs.readdirSync(dir).some((f) => f.endsWith('.json'))) return true;
    } catch {
      // missing or unreadable: the loader skips it too
    }
  }
  return false;
}

/**
 * One Dawn instance per adapter source for the whole process. The instance must outlive every
 * device made from it (Dawn tears the devices down with it), so it is kept here rather than left to
 * the garbage collector.
 */
const instances = new Map<string, GPU>();

function nodeInstance(lib: NodeWebGPU, source: 'hardware' | 'swiftshader' | 'llvmpipe'): GPU {
  let gpu = instances.get(source);
  if (!gpu) {
    gpu = lib.create(source === 'llvmpipe' ? ['backend=opengles'] : source === 'swiftshader' ? ['backend=vulkan'] : []);
    instances.set(source, gpu);
  }
  return gpu;
}

async function nodeAdapter(
  lib: NodeWebGPU,
  source: 'hardware' | 'swiftshader' | 'llvmpipe',
  base: GPURequestAdapterOptions,
): Promise<GPUAdapter | null> {
  if (source === 'llvmpipe') {
    process.env.EGL_PLATFORM ??= 'surfaceless';
    // Mesa complains on stderr when this is unset (headless machines, CI). Linux only, so
    // os.tmpdir() is TMPDIR or /tmp.
    process.env.XDG_RUNTIME_DIR ??= process.env.TMPDIR || '/tmp';
    return nodeInstance(lib, source).requestAdapter({ ...base, featureLevel: 'compatibility' });
  }
  if (source === 'hardware' && !hasVulkanDriver()) throw new Error('no Vulkan driver installed, no ICD manifest in the loader\'s directories');
  if (source === 'swiftshader') {
    if (!process.env.VK_ICD_FILENAMES) {
      if (!nodeFs().existsSync(SWIFTSHADER_ICD)) return null;
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
  }
  return nodeInstance(lib, source).requestAdapter(base);
}

/** Finds an adapter and opens a device as the options ask. Rejects with `NoAdapterError` if none. */
export async function acquireDevice(options: DeviceOptions = {}): Promise<AcquiredDevice> {
  if (options.device) {
    const adapterInfo = options.device.adapterInfo;
    const text = `${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.device} ${adapterInfo.description}`;
    return {
      device: options.device,
      owned: false,
      info: {
        vendor: adapterInfo.vendor,
        architecture: adapterInfo.architecture,
        device: adapterInfo.device,
        description: adapterInfo.description,
        isSoftware: SOFTWARE_PATTERN.test(text),
        featureLevel: options.device.features.has('core-features-and-limits') ? 'core' : 'compatibility',
        source: 'external',
      },
    };
  }
  const choice = options.adapter ?? 'auto';
  if (!['auto', 'hardware', 'swiftshader', 'llvmpipe'].includes(choice)) {
    throw new OptionError(`createEngine: adapter must be 'auto', 'hardware', 'swiftshader' or 'llvmpipe', got '${String(choice)}'`);
  }
  const base: GPURequestAdapterOptions = { ...options.adapterOptions };
  if (options.powerPreference) base.powerPreference = options.powerPreference;

  // Node (Dawn) or not (navigator.gpu) is decided by `process.versions.node`, not by
  // `typeof process`: pages often get a `process` polyfill from their bundler, without it.
  if (!isNode()) {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new NoAdapterError(`This browser does not expose WebGPU (navigator.gpu is missing). ${HOW_TO}`);
    const adapter = await gpu.requestAdapter(base);
    if (!adapter) throw new NoAdapterError(`navigator.gpu.requestAdapter() returned null: this browser has WebGPU but no usable adapter. ${HOW_TO}`);
    return { device: await openDevice(adapter), owned: true, info: describe(adapter, 'browser', false) };
  }

  const lib = await loadNodeWebGPU();
  const order: Array<'hardware' | 'swiftshader' | 'llvmpipe'> =
    choice === 'auto' ? ['hardware', 'llvmpipe', 'swiftshader'] : [choice];
  const tried: string[] = [];
  for (const source of order) {
    let adapter: GPUAdapter | null = null;
    try {
      adapter = await nodeAdapter(lib, source, base);
    } catch (e) {
      tried.push(`${source}: ${(e as Error).message}`);
      continue;
    }
    if (!adapter) {
      tried.push(`${source}: none found`);
      continue;
    }
    const info = describe(adapter, source, source === 'llvmpipe');
    if (source === 'hardware' && info.isSoftware) {
      tried.push(`hardware: only the software adapter '${info.description}'`);
      continue;
    }
    const device = await openDevice(adapter);
    if (info.isSoftware && !options.quiet && !noticePrinted) {
      noticePrinted = true;
      process.stderr.write(
        `webgpu-conv: using the software WebGPU adapter ${source} (${info.description}); timings are not GPU timings.\n`,
      );
    }
    return { device, owned: true, info };
  }
  throw new NoAdapterError(`No WebGPU adapter found (${tried.join('; ')}). ${HOW_TO}`);
}
