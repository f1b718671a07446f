// Drawing a filtered image (a texture written by image.wgsl's pack_* entry points) into a canvas:
// one triangle covering the viewport, each fragment the texel under it, premultiplied by its alpha
// for the canvas's 'premultiplied' alpha mode. A render pipeline: no Params uniform.

@group(0) @binding(0) var image: texture_2d<f32>;

@vertex
fn vertex_main(@builtin(vertex_index) i: u32) -> @builtin(position) vec4<f32> {
  let x = f32((i << 1u) & 2u);  // 0, 2, 0
  let y = f32(i & 2u);          // 0, 0, 2
  return vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
}

@fragment
fn fragment_main(@builtin(position) pos: vec4<f32>) -> @location(0) vec4<f32> {
  let c = textureLoad(image, vec2<u32>(pos.xy), 0);
  return vec4<f32>(c.rgb * c.a, c.a);
}
