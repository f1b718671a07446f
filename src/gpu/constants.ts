/**
 * WebGPU enum values, fixed by the WebGPU specification. Spelled out here so the library does not
 * depend on the `GPUBufferUsage`/`GPUMapMode` globals, which Node's bindings do not install.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
  INDIRECT: 0x0100,
  QUERY_RESOLVE: 0x0200,
} as const;

export const TextureUsage = { COPY_SRC: 0x0001, COPY_DST: 0x0002, TEXTURE_BINDING: 0x0004, STORAGE_BINDING: 0x0008, RENDER_ATTACHMENT: 0x0010 } as const;

export const MapMode = { READ: 0x0001 } as const;
