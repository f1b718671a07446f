/**
 * Textures `filterImage` makes for itself on a device — the copy of a browser image source, the
 * result drawn into a canvas — kept per size and format and reused (a video frame per call
 * allocates nothing), taken exclusively by one call at a time; destroyed with the device state.
 */
const free = new WeakMap<GPUDevice, Map<string, GPUTexture[]>>();
const all = new WeakMap<GPUDevice, Set<GPUTexture>>();

/** At most this many idle textures per size and format are kept. */
const KEEP = 2;

const keyOf = (w: number, h: number, format: GPUTextureFormat, usage: number): string => `${w}x${h}:${format}:${usage}`;

/** A texture of this size, format and usage (from the cache, or new); give it back with `returnTexture`. */
export function takeTexture(device: GPUDevice, width: number, height: number, format: GPUTextureFormat, usage: number, label: string): GPUTexture {
  const cached = free.get(device)?.get(keyOf(width, height, format, usage))?.pop();
  if (cached) return cached;
  const t = device.createTexture({ label: `webgpu-conv.${label}`, size: [width, height], format, usage });
  let set = all.get(device);
  if (!set) all.set(device, (set = new Set()));
  set.add(t);
  return t;
}

/** Returns a texture from `takeTexture` once the work using it is submitted. */
export function returnTexture(device: GPUDevice, t: GPUTexture): void {
  let byKey = free.get(device);
  if (!byKey) free.set(device, (byKey = new Map()));
  const key = keyOf(t.width, t.height, t.format, t.usage);
  const list = byKey.get(key) ?? [];
  byKey.set(key, list);
  if (list.length < KEEP) {
    list.push(t);
  } else {
    all.get(device)?.delete(t);
    t.destroy();
  }
}

/** Destroys every texture made on `device` (engine destroy / device loss). */
export function releaseImageTextures(device: GPUDevice): void {
  for (const t of all.get(device) ?? []) t.destroy();
  all.delete(device);
  free.delete(device);
}

const views = new WeakMap<GPUTexture, GPUTextureView>();

/** One view per texture, so bind groups of a reused texture are reused too. */
export function viewOf(t: GPUTexture): GPUTextureView {
  let v = views.get(t);
  if (!v) views.set(t, (v = t.createView({ label: 'webgpu-conv.image.view' })));
  return v;
}
