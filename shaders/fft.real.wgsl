// Real transforms of the fft family (shaders/fft.wgsl; joined to it: one module, one Params; see
// src/fft/real.ts): even lengths W = 2h run as complex transforms of h values with an untangling
// (forward) or folding (inverse) step — inside the workgroup kernel when h fits workgroup memory
// (wgRfft, wgIrfft), else in passes of their own (rpost, rpre); odd lengths through the Hermitian
// extension (hermitian) and fft.wgsl's pad.

// The untangling of a real transform of length W = 2h from the complex transform Z of its values
// read as h complex ones: (X[k], X[h−k]) from Z[k] and zm = Z[(h−k) mod h] (tw2: W-th roots):
// X[k] = E + w^k·O and X[h−k] = conj(E − w^k·O) with E = (Z[k] + conj zm)/2, O = −i(Z[k] − conj zm)/2,
// w = e^{−2πi/W}; for k = 0, (Re Z0 + Im Z0, 0) and (Re Z0 − Im Z0, 0).
fn untangled(zk: vec2<f32>, zm: vec2<f32>, k: u32) -> array<vec2<f32>, 2> {
  if (k == 0u) { return array<vec2<f32>, 2>(vec2<f32>(zk.x + zk.y, 0.0), vec2<f32>(zk.x - zk.y, 0.0)); }
  let cm = vec2<f32>(zm.x, -zm.y);
  let ev = 0.5 * (zk + cm);
  let d = 0.5 * (zk - cm);
  let wo = cmul(tw2[k], vec2<f32>(d.y, -d.x));
  let xm = ev - wo;
  return array<vec2<f32>, 2>(ev + wo, vec2<f32>(xm.x, -xm.y));
}

// The folding before an inverse real transform of length W = 2h (untangled's inverse): (Z[k],
// Z[h−k]) from X[k] and X[h−k] (the imaginary parts of X[0] and X[h] ignored, as NumPy), Z[k] =
// (X[k] + conj X[h−k]) + i·conj(w^k)·(X[k] − conj X[h−k]); for k = 0, Z[0] = (X0 + Xh, X0 − Xh) (real parts).
fn folded(xk: vec2<f32>, xm: vec2<f32>, k: u32, h: u32) -> array<vec2<f32>, 2> {
  if (k == 0u) { return array<vec2<f32>, 2>(vec2<f32>(xk.x + xm.x, xk.x - xm.x), vec2<f32>(0.0)); }
  let ck = vec2<f32>(xk.x, -xk.y);
  let cm = vec2<f32>(xm.x, -xm.y);
  let wk = tw2[k];
  let wm = tw2[h - k];
  let dk = cmul(vec2<f32>(wk.x, -wk.y), xk - cm);
  let dm = cmul(vec2<f32>(wm.x, -wm.y), xm - ck);
  return array<vec2<f32>, 2>((xk + cm) + vec2<f32>(-dk.y, dk.x), (xm + ck) + vec2<f32>(-dm.y, dm.x));
}

// Real forward transforms of even length W = 2·WN, rows then untangled (rpost's algebra): each
// row's W reals read as WN complex values from src, transformed in workgroup memory, and its
// ⌊W/2⌋+1 = WN + 1 spectrum values written to dst at outBase(t) + k·ostr (tw2: W-th roots). Rows only
// (WMFAST false).
@compute @workgroup_size(WG)
fn wgRfft(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
          @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  let b0 = setBases(li, t0, false);
  loadSlots(li, t0, b0);
  untangle(li, t0, wgStages(li, 0u, false), b0, false);
}

// The WPER real spectra of the workgroup from the complex transforms at `res`: slot m's WN + 1
// values to dst at its output base (`contiguous`: (t0 + m)·os1) + k·ostr.
fn untangle(li: u32, t0: u32, res: u32, b0: vec2<u32>, contiguous: bool) {
  let per = WN / 2u + 1u;
  for (var q = 0u; q < (WPER * per + WG - 1u) / WG; q++) {
    let l = li + q * WG;
    let m = l / per;
    let k = l % per;
    if (l < WPER * per && t0 + m < P.count) {
      let z = res + m * WN;
      var ob = (t0 + m) * P.os1;
      if (!contiguous) { ob = baseOf(m, b0).y; }
      let x = untangled(sh[z + k], sh[z + (WN - k) % WN], k);
      dst[ob + k * P.ostr] = x[0] * P.scale;
      dst[ob + (WN - k) * P.ostr] = x[1] * P.scale;
    }
  }
}

// Real inverse transforms of even length W = 2·WN (rpre's algebra, then the rows): each row's WN + 1
// spectrum values (src at inBase(t) + k·istr; the imaginary parts of X[0] and X[WN] ignored) folded
// into WN complex values in workgroup memory, transformed, and written to dst as the row's W reals
// times P.scale (tw2: W-th roots). Rows only (WMFAST false), src and dst different buffers.
@compute @workgroup_size(WG)
fn wgIrfft(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
           @builtin(local_invocation_index) li: u32) {
  let t0 = linearWorkgroup(wid, nwg) * WPER;
  let b0 = setBases(li, t0, false);
  fold(li, t0, b0, false);
  storeSlots(li, t0, b0, wgStages(li, 0u, true));
}

// Folds the workgroup's WPER spectrum rows (slot m's at its input base; `contiguous`: (t0 + m)·is1)
// into WN complex values each, at m·WN in `sh`; ends with a barrier.
fn fold(li: u32, t0: u32, b0: vec2<u32>, contiguous: bool) {
  let per = WN / 2u + 1u;
  for (var q = 0u; q < (WPER * per + WG - 1u) / WG; q++) {
    let l = li + q * WG;
    let m = l / per;
    let k = l % per;
    if (l < WPER * per && t0 + m < P.count) {
      var sb = (t0 + m) * P.is1;
      if (!contiguous) { sb = baseOf(m, b0).x; }
      let z = m * WN;
      let y = folded(src[sb + k * P.istr], src[sb + (WN - k) * P.istr], k, WN);
      sh[z + k] = y[0];
      if (k > 0u) { sh[z + WN - k] = y[1]; }
    }
  }
  workgroupBarrier();
}

// Real forward transform of even length W = 2h, after a complex transform of length h of the real
// data read as h complex values Z: in place on rows of h + 1 values (row stride P.os1), X[k] =
// E + w^k·O and X[h−k] = conj(E − w^k·O) with E = (Z[k] + conj Z[h−k])/2, O = −i(Z[k] − conj Z[h−k])/2,
// w = e^{−2πi/W} (tw2: W-th roots). Invocation k ≤ h/2 of each row.
@compute @workgroup_size(WG)
fn rpost(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
         @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let h = P.half;
  let per = h / 2u + 1u;
  let k = e % per;
  let b = (e / per) * P.os1;
  let x = untangled(dst[b + k], dst[b + (h - k) % h], k);
  dst[b + k] = x[0];
  dst[b + h - k] = x[1];
}

// Real inverse transform of even length W = 2h, before a complex inverse transform of length h:
// rows of h + 1 values (src, stride P.is1; the imaginary parts of X[0] and X[h] ignored, as NumPy)
// → rows of h values Z[k] = (X[k] + conj X[h−k]) + i·conj(w^k)·(X[k] − conj X[h−k]) (dst, stride
// P.os1), times P.scale. Invocation k ≤ h/2 of each row writes Z[k] and Z[h−k].
@compute @workgroup_size(WG)
fn rpre(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let h = P.half;
  let per = h / 2u + 1u;
  let k = e % per;
  let sb = (e / per) * P.is1;
  let db = (e / per) * P.os1;
  let y = folded(src[sb + k], src[sb + h - k], k, h);
  dst[db + k] = y[0] * P.scale;
  if (k > 0u) { dst[db + h - k] = y[1] * P.scale; }
}

// Hermitian extension for a complex-to-real transform of odd (or any) length W = P.n: rows of
// ⌊W/2⌋+1 values (src, stride P.is1) → rows of W values (dst, contiguous), Y[k] = X[k] for
// k ≤ W/2 and conj X[W − k] beyond; the imaginary parts of X[0] and (even W) X[W/2] dropped.
@compute @workgroup_size(WG)
fn hermitian(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
             @builtin(local_invocation_index) li: u32) {
  let e = linearWorkgroup(wid, nwg) * WG + li;
  if (e >= P.total) { return; }
  let n = P.n;
  let row = e / n;
  let k = e % n;
  var y: vec2<f32>;
  if (2u * k <= n) {
    y = src[row * P.is1 + k];
    if (k == 0u || 2u * k == n) { y.y = 0.0; }
  } else {
    let x = src[row * P.is1 + n - k];
    y = vec2<f32>(x.x, -x.y);
  }
  dst[e] = y;
}
