/**
 * Drawing a result texture into a canvas with a render pass (shaders/present.wgsl), and making an
 * `ImageBitmap` the same way through an `OffscreenCanvas`: the pixels never go through the host.
 */
import { OptionError } from '../errors.js';
import { WGSL } from '../shaders.generated.js';
import { isGpuTexture } from './source.js';
import { viewOf } from './textures.js';
import type { ImageTarget } from './types.js';

const pipelines = new WeakMap<GPUDevice, Map<GPUTextureFormat, GPURenderPipeline>>();
const configured = new WeakMap<GPUCanvasContext, { device: GPUDevice; format: GPUTextureFormat }>();
const bindGroups = new WeakMap<GPUTexture, { pipeline: GPURenderPipeline; group: GPUBindGroup }>();

function renderPipeline(device: GPUDevice, format: GPUTextureFormat): GPURenderPipeline {
  let byFormat = pipelines.get(device);
  if (!byFormat) pipelines.set(device, (byFormat = new Map()));
  let p = byFormat.get(format);
  if (!p) {
    const module = device.createShaderModule({ label: 'webgpu-conv.present.module', code: WGSL.present });
    p = device.createRenderPipeline({
      label: `webgpu-conv.present.pipeline ${format}`,
      layout: 'auto',
      vertex: { module, entryPoint: 'vertex_main' },
      fragment: { module, entryPoint: 'fragment_main', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    byFormat.set(format, p);
  }
  return p;
}

function preferredFormat(): GPUTextureFormat {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  return gpu?.getPreferredCanvasFormat?.() ?? 'rgba8unorm';
}

/** The WebGPU context of a canvas target (its own, or the one given). */
export function canvasContext(op: string, target: Exclude<ImageTarget, GPUTexture>): GPUCanvasContext {
  if ('getCurrentTexture' in target) return target;
  const ctx = (target as HTMLCanvasElement).getContext('webgpu') as GPUCanvasContext | null;
  if (!ctx) throw new OptionError(`${op}: the target canvas has no 'webgpu' context (it already has a '2d' or 'webgl' one); give a fresh canvas or its GPUCanvasContext`);
  return ctx;
}

/** Whether `x` is a canvas target (a canvas or a GPUCanvasContext) rather than a texture. */
export function isCanvasTarget(x: unknown): x is Exclude<ImageTarget, GPUTexture> {
  if (x === null || typeof x !== 'object' || isGpuTexture(x)) return false;
  return 'getCurrentTexture' in x || typeof (x as HTMLCanvasElement).getContext === 'function';
}

/** Sizes the canvas to the image, configures the context for `device` (once), and draws `texture`. */
export function drawToCanvas(device: GPUDevice, ctx: GPUCanvasContext, texture: GPUTexture): void {
  const canvas = ctx.canvas as HTMLCanvasElement | OffscreenCanvas;
  if (canvas.width !== texture.width) canvas.width = texture.width;
  if (canvas.height !== texture.height) canvas.height = texture.height;
  let conf = configured.get(ctx);
  if (!conf || conf.device !== device) {
    conf = { device, format: preferredFormat() };
    ctx.configure({ device, format: conf.format, alphaMode: 'premultiplied' });
    configured.set(ctx, conf);
  }
  const pipeline = renderPipeline(device, conf.format);
  // The drawn texture is one of the engine's reused ones: its bind group is reused with it.
  let cached = bindGroups.get(texture);
  if (!cached || cached.pipeline !== pipeline) {
    const group = device.createBindGroup({
      label: 'webgpu-conv.present.bindgroup',
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: viewOf(texture) }],
    });
    bindGroups.set(texture, (cached = { pipeline, group }));
  }
  const bindGroup = cached.group;
  const encoder = device.createCommandEncoder({ label: 'webgpu-conv.present.encoder' });
  const pass = encoder.beginRenderPass({
    label: 'webgpu-conv.present.pass',
    colorAttachments: [{ view: ctx.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 0] }],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.draw(3);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** An ImageBitmap of `texture`, drawn through an OffscreenCanvas (browsers and workers). */
export function textureToBitmap(op: string, device: GPUDevice, texture: GPUTexture): ImageBitmap {
  const canvas = new OffscreenCanvas(texture.width, texture.height);
  drawToCanvas(device, canvasContext(op, canvas), texture);
  return canvas.transferToImageBitmap();
}
