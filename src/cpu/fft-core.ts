/**
 * A float64 complex FFT of any length, for the CPU reference (`cpu.fft` …) and for the host-side
 * tables of the GPU FFT (Bluestein filter spectra). Stockham autosort with a generic radix for
 * prime factors up to `MAX_DIRECT_RADIX` (radix 4 first, then the primes), Bluestein's chirp-z for
 * lengths with a larger prime factor. Every twiddle is Math.cos/Math.sin of an exact rational
 * multiple of 2π in double precision; unnormalised in both directions.
 */

/** Largest prime factor done as a radix directly (O(n·p) per stage); larger ones go Bluestein. */
const MAX_DIRECT_RADIX = 31;

/** Prime factors of n (with multiplicity), ascending. */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  for (let p = 2; p * p <= m; p++) while (m % p === 0) { out.push(p); m /= p; }
  if (m > 1) out.push(m);
  return out;
}

/** Whether every prime factor of n is 2, 3, 5 or 7. */
export function isFastLength(n: number): boolean {
  if (!Number.isInteger(n) || n < 1) return false;
  let m = n;
  for (const p of [2, 3, 5, 7]) while (m % p === 0) m /= p;
  return m === 1;
}

/** The smallest length ≥ n whose prime factors are all 2, 3, 5 or 7 (n ≥ 1). */
export function nextFastLength(n: number): number {
  let m = Math.max(1, Math.ceil(n));
  while (!isFastLength(m)) m++;
  return m;
}

/** The radices of a direct transform of n: 4s, a 2, then the odd primes; undefined when a factor is too large. */
function radices(n: number): number[] | undefined {
  const f = primeFactors(n);
  if (f.some((p) => p > MAX_DIRECT_RADIX)) return undefined;
  const twos = f.filter((p) => p === 2).length;
  const out: number[] = Array<number>(twos >> 1).fill(4);
  if (twos & 1) out.push(2);
  return out.concat(f.filter((p) => p !== 2));
}

/**
 * In-place FFT of (re, im), length n = re.length: X[k] = Σ x[j]·e^{∓2πijk/n} (− forward, + inverse),
 * unnormalised.
 */
export function fft64(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n <= 1) return;
  const rad = radices(n);
  if (!rad) {
    bluestein(re, im, inverse);
    return;
  }
  const sign = inverse ? 1 : -1;
  let xr: Float64Array = re, xi: Float64Array = im;
  let yr: Float64Array = new Float64Array(n), yi: Float64Array = new Float64Array(n);
  let ns = 1;
  for (const R of rad) {
    const B = n / R;
    const cr = new Float64Array(R * R), ci = new Float64Array(R * R);
    for (let q = 0; q < R; q++) {
      for (let r = 0; r < R; r++) {
        const a = (2 * Math.PI * ((q * r) % R)) / R;
        cr[q * R + r] = Math.cos(a);
        ci[q * R + r] = sign * Math.sin(a);
      }
    }
    const L = ns * R;
    const tr = new Float64Array(L), ti = new Float64Array(L);
    for (let q = 0; q < L; q++) {
      tr[q] = Math.cos((2 * Math.PI * q) / L);
      ti[q] = sign * Math.sin((2 * Math.PI * q) / L);
    }
    const vr = new Float64Array(R), vi = new Float64Array(R);
    for (let j = 0; j < B; j++) {
      const kk = j % ns;
      for (let r = 0; r < R; r++) {
        const a = xr[j + r * B] as number, b = xi[j + r * B] as number;
        if (r === 0 || kk === 0) {
          vr[r] = a;
          vi[r] = b;
        } else {
          const c = tr[r * kk] as number, s = ti[r * kk] as number;
          vr[r] = a * c - b * s;
          vi[r] = a * s + b * c;
        }
      }
      const d = Math.floor(j / ns) * ns * R + kk;
      for (let q = 0; q < R; q++) {
        let sr = 0, si = 0;
        for (let r = 0; r < R; r++) {
          const c = cr[q * R + r] as number, s = ci[q * R + r] as number;
          sr += (vr[r] as number) * c - (vi[r] as number) * s;
          si += (vr[r] as number) * s + (vi[r] as number) * c;
        }
        yr[d + q * ns] = sr;
        yi[d + q * ns] = si;
      }
    }
    [xr, yr] = [yr, xr];
    [xi, yi] = [yi, xi];
    ns *= R;
  }
  if (xr !== re) {
    re.set(xr);
    im.set(xi);
  }
}

/** e^{∓πi·k²/n} for k < n (− forward), with k² reduced mod 2n so the angle stays exact. */
export function chirp64(n: number, inverse: boolean): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n), im = new Float64Array(n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    const q = Number((BigInt(k) * BigInt(k)) % BigInt(2 * n));
    const a = (Math.PI * q) / n;
    re[k] = Math.cos(a);
    im[k] = sign * Math.sin(a);
  }
  return { re, im };
}

/**
 * The spectrum, divided by m, of Bluestein's filter for length n and convolution length m ≥ 2n − 1:
 * b[j] = conj(c[j]) for j < n, b[m − j] = conj(c[j]) for 0 < j < n, 0 elsewhere (c = chirp64).
 */
export function bluesteinSpectrum(n: number, m: number, inverse: boolean): { re: Float64Array; im: Float64Array } {
  const c = chirp64(n, inverse);
  const re = new Float64Array(m), im = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    re[j] = c.re[j] as number;
    im[j] = -(c.im[j] as number);
    if (j > 0) {
      re[m - j] = re[j] as number;
      im[m - j] = im[j] as number;
    }
  }
  fft64(re, im, false);
  for (let j = 0; j < m; j++) {
    re[j] = (re[j] as number) / m;
    im[j] = (im[j] as number) / m;
  }
  return { re, im };
}

/** Bluestein's chirp-z transform, in place: X[k] = c[k]·Σ_j (x[j]·c[j])·conj(c[k − j]). */
function bluestein(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  const m = nextFastLength(2 * n - 1);
  const c = chirp64(n, inverse);
  const B = bluesteinSpectrum(n, m, inverse);
  const ar = new Float64Array(m), ai = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    const xr = re[j] as number, xi = im[j] as number, cr = c.re[j] as number, ci = c.im[j] as number;
    ar[j] = xr * cr - xi * ci;
    ai[j] = xr * ci + xi * cr;
  }
  fft64(ar, ai, false);
  for (let j = 0; j < m; j++) {
    const xr = ar[j] as number, xi = ai[j] as number, br = B.re[j] as number, bi = B.im[j] as number;
    ar[j] = xr * br - xi * bi;
    ai[j] = xr * bi + xi * br;
  }
  fft64(ar, ai, true);
  for (let k = 0; k < n; k++) {
    const xr = ar[k] as number, xi = ai[k] as number, cr = c.re[k] as number, ci = c.im[k] as number;
    re[k] = xr * cr - xi * ci;
    im[k] = xr * ci + xi * cr;
  }
}
