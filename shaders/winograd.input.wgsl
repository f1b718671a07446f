// Winograd's input transform (shaders/winograd.wgsl; joined to it: one module, one Params): the
// input tiles read with the boundary rule (four consecutive tiles of a tile row from one shared span
// per row, as aligned vec4s with VEC4_IN), transformed four tile columns at a time into V.

// x̃[n, c] at (y, x): the input extended by the boundary rule.
fn inputValue(base: u32, y: i32, x: i32) -> f32 {
  let iy = boundaryIndex(y, i32(P.g.H));
  let ix = boundaryIndex(x, i32(P.g.W));
  if (iy < 0 || ix < 0) { return P.g.fill; }
  return src[base + u32(iy) * P.g.W + u32(ix)];
}

// Where tile column t's A×A input tile starts: its channel plane (channel c of image n0 + t / tiles)
// and its top-left corner (ty·m − padTop, tx·m − padLeft).
struct Origin { base: u32, y0: i32, x0: i32 }
fn origin(c: u32, t: u32) -> Origin {
  let mo = outSize();
  let tile = t % P.tiles;
  let y0 = i32((tile / P.tilesX) * mo) - P.g.padTop;
  let x0 = i32((tile % P.tilesX) * mo) - P.g.padLeft;
  return Origin(((P.n0 + t / P.tiles) * P.g.C + c) * P.g.H * P.g.W, y0, x0);
}

// Row y of one tile: A values through the boundary rule. (Every array here is indexed by constants
// only, so that it stays in registers.) No separate path reads tiles that lie inside the input
// directly: llvmpipe runs both sides of such a branch, masked, so it only doubled the code to compile
// (the input transform took 2.1 s to compile, 1.1 s without it) and saved nothing.
fn tileRow(o: Origin, y: i32) -> array<f32, 6> {
  var r: array<f32, 6>;
  let row = o.y0 + y;
  r[0] = inputValue(o.base, row, o.x0);
  r[1] = inputValue(o.base, row, o.x0 + 1);
  r[2] = inputValue(o.base, row, o.x0 + 2);
  r[3] = inputValue(o.base, row, o.x0 + 3);
  if (F4) {
    r[4] = inputValue(o.base, row, o.x0 + 4);
    r[5] = inputValue(o.base, row, o.x0 + 5);
  }
  return r;
}

// The input again as vec4s (binding 5, read-only like binding 1), for spans read whole (VEC4_IN).
@group(0) @binding(5) var<storage, read> src4in: array<vec4<f32>>;
// With the fill boundary and input rows of whole vec4s (W a multiple of 4, the binding whole vec4s),
// a span is read as the aligned vec4s that cover it: a vec4 lies wholly inside a row or wholly
// outside it, so it is loaded or is the fill value whole (host: `vec4Input`).
override VEC4_IN: bool = false;

// Span values s[x] = x̃ at (row, x0 + x), x < 3m + A, from the aligned vec4s that cover them (VEC4_IN).
fn spanVec4(base: u32, row: i32, x0: i32) -> array<f32, 18> {
  let a = x0 - (((x0 % 4) + 4) % 4);        // x0 rounded down to a multiple of 4
  var w: array<f32, 24>;
  let rowInside = row >= 0 && row < i32(P.g.H);
  // ⌈(3 + 3m + A) / 4⌉ vec4s cover the span wherever it starts within its first one: 6 (F4), 4 (F2).
  for (var k = 0u; k < (3u * outSize() + tileSize() + 6u) / 4u; k++) {
    let x = a + 4 * i32(k);
    var v = vec4<f32>(P.g.fill);
    if (rowInside && x >= 0 && x < i32(P.g.W)) { v = src4in[(base + u32(row) * P.g.W + u32(x)) / 4u]; }
    w[4u * k] = v.x;
    w[4u * k + 1u] = v.y;
    w[4u * k + 2u] = v.z;
    w[4u * k + 3u] = v.w;
  }
  // s[x] = w[x + off], off = x0 − a < 4, with constant indices only (a dynamic index into a
  // function-scope array is a gather on llvmpipe).
  let off = x0 - a;
  var s: array<f32, 18>;
  for (var x = 0u; x < 3u * outSize() + tileSize(); x++) {
    s[x] = select(select(w[x], w[x + 1u], off == 1), select(w[x + 2u], w[x + 3u], off == 3), off >= 2);
  }
  return s;
}

// Row y of one tile, x̃ at (row, x0 + x) for x < A, from the aligned vec4s that cover it (VEC4_IN).
fn tileVec4(base: u32, row: i32, x0: i32) -> array<f32, 6> {
  let a = x0 - (((x0 % 4) + 4) % 4);
  var w: array<f32, 12>;
  let rowInside = row >= 0 && row < i32(P.g.H);
  for (var k = 0u; k < (tileSize() + 6u) / 4u; k++) {
    let x = a + 4 * i32(k);
    var v = vec4<f32>(P.g.fill);
    if (rowInside && x >= 0 && x < i32(P.g.W)) { v = src4in[(base + u32(row) * P.g.W + u32(x)) / 4u]; }
    w[4u * k] = v.x;
    w[4u * k + 1u] = v.y;
    w[4u * k + 2u] = v.z;
    w[4u * k + 3u] = v.w;
  }
  let off = x0 - a;
  var s: array<f32, 6>;
  for (var x = 0u; x < tileSize(); x++) {
    s[x] = select(select(w[x], w[x + 1u], off == 1), select(w[x + 2u], w[x + 3u], off == 3), off >= 2);
  }
  return s;
}

// Row y of the quad's four tiles (component j: tile t0 + j). When the four are consecutive tiles
// of one tile row (`span`), their rows overlap: one span of 3m + A values, read as vec4s (VEC4_IN)
// or through the boundary rule.
fn quadRow(q: array<Origin, 4>, span: bool, y: i32) -> Quad {
  var r: Quad;
  let mo = outSize();
  if (span) {
    let row = q[0].y0 + y;
    var s: array<f32, 18>;
    if (VEC4_IN) {
      s = spanVec4(q[0].base, row, q[0].x0);
    } else {
      for (var x = 0u; x < 3u * mo + tileSize(); x++) { s[x] = inputValue(q[0].base, row, q[0].x0 + i32(x)); }
    }
    for (var x = 0u; x < tileSize(); x++) { r[x] = vec4<f32>(s[x], s[x + mo], s[x + 2u * mo], s[x + 3u * mo]); }
    return r;
  }
  var r0: array<f32, 6>;
  var r1: array<f32, 6>;
  var r2: array<f32, 6>;
  var r3: array<f32, 6>;
  if (VEC4_IN) {
    r0 = tileVec4(q[0].base, q[0].y0 + y, q[0].x0);
    r1 = tileVec4(q[1].base, q[1].y0 + y, q[1].x0);
    r2 = tileVec4(q[2].base, q[2].y0 + y, q[2].x0);
    r3 = tileVec4(q[3].base, q[3].y0 + y, q[3].x0);
  } else {
    r0 = tileRow(q[0], y);
    r1 = tileRow(q[1], y);
    r2 = tileRow(q[2], y);
    r3 = tileRow(q[3], y);
  }
  for (var x = 0u; x < tileSize(); x++) { r[x] = vec4<f32>(r0[x], r1[x], r2[x], r3[x]); }
  return r;
}

// Stores column x of the quad's transformed tiles: V[(y·A + x)·strideV + o] (o in vec4s).
fn storeInputColumn(r: Quad, x: u32, o: u32) {
  let A = tileSize();
  let s = P.strideV / 4u;
  dst4[x * s + o] = r[0];
  dst4[(A + x) * s + o] = r[1];
  dst4[(2u * A + x) * s + o] = r[2];
  dst4[(3u * A + x) * s + o] = r[3];
  if (F4) {
    dst4[(4u * A + x) * s + o] = r[4];
    dst4[(5u * A + x) * s + o] = r[5];
  }
}

// One invocation per (channel c, quad t0 = 4·q), quads fastest: V[ξ·strideV + c·TP + t0 + j] =
// (Bᵀ d B)[ξ] of tile column t0 + j (past T: of the last tile column, never read).
@compute @workgroup_size(WG)
fn inputTransform(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
                  @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let quads = (P.T + 3u) / 4u;
  let t0 = (e % quads) * 4u;
  let c = e / quads;
  let last = P.T - 1u;
  let q = array<Origin, 4>(origin(c, t0), origin(c, min(t0 + 1u, last)), origin(c, min(t0 + 2u, last)), origin(c, min(t0 + 3u, last)));
  let span = t0 + 3u <= last && (t0 % P.tiles) % P.tilesX + 3u < P.tilesX;
  // Rows: d B (each row through Bᵀ), then columns: Bᵀ (d B).
  let h0 = inputRow(quadRow(q, span, 0));
  let h1 = inputRow(quadRow(q, span, 1));
  let h2 = inputRow(quadRow(q, span, 2));
  let h3 = inputRow(quadRow(q, span, 3));
  var h4: Quad;
  var h5: Quad;
  if (F4) {
    h4 = inputRow(quadRow(q, span, 4));
    h5 = inputRow(quadRow(q, span, 5));
  }
  let o = (c * P.TP + t0) / 4u;
  storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 0u)), 0u, o);
  storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 1u)), 1u, o);
  storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 2u)), 2u, o);
  storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 3u)), 3u, o);
  if (F4) {
    storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 4u)), 4u, o);
    storeInputColumn(inputRow(column(h0, h1, h2, h3, h4, h5, 5u)), 5u, o);
  }
}
