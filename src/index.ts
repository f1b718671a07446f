/// <reference types="@webgpu/types" preserve="true" />
// The WebGPU types (GPUDevice, GPUBuffer…) come from @webgpu/types, a dependency: the reference
// above is kept in dist/index.d.ts, so consumers on TypeScript 5 need no `types` setting of their
// own. TypeScript 7 reads dist/api.d.ts (package.json `types@>=7`): its DOM lib has them already.

export * from './api.js';
