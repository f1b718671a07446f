// @ts-check
/**
 * bench:gaussian's cells: 1024² and 4096² images, single-channel and RGB, σ = 2, 8, 32, 120, plus a
 * 15×15 cell (1024² single-channel, σ = 1.75) for ours 'auto', 'direct' and 'separable' only; and
 * the selection that `--quick` and `--filter` make.
 */

/**
 * @typedef {object} Cell
 * @property {string} id
 * @property {string} name
 * @property {number} side       H = W
 * @property {number} channels   1 (grey) or 3 (RGB)
 * @property {number} sigma
 * @property {number} radius     ours: int(4σ + 0.5) (scipy.ndimage's truncate = 4)
 * @property {boolean} [oursOnly] the 15×15 cell: ours 'auto', 'direct' and 'separable' only, end to end and GPU-resident
 */

/** scipy.ndimage's radius: int(truncate·σ + 0.5), truncate 4. @param {number} sigma */
const ourRadius = (sigma) => Math.floor(4 * sigma + 0.5);

/** @type {Cell[]} */
export const ALL_CELLS = [];
for (const side of [1024, 4096]) {
  for (const channels of [1, 3]) {
    for (const sigma of [2, 8, 32, 120]) {
      const r = ourRadius(sigma);
      ALL_CELLS.push({ id: `${side}-${channels === 1 ? 'grey' : 'rgb'}-s${sigma}`, name: `${side}² ${channels === 1 ? 'grey' : 'RGB'} σ=${sigma} (${2 * r + 1}×${2 * r + 1})`, side, channels, sigma, radius: r });
    }
    if (side === 1024 && channels === 1) {
      // σ = 1.75: int(4·1.75 + 0.5) = 7, a 15×15 kernel (the "separable ≥ 4× 2-D direct at 15×15").
      ALL_CELLS.push({ id: '1024-grey-k15', name: '1024² grey σ=1.75 (15×15)', side, channels, sigma: 1.75, radius: 7, oursOnly: true });
    }
  }
}

/**
 * The cells to run: `--quick` keeps the 1024² cells with σ ≤ 8 and the 15×15 cell; `--filter` those
 * whose id or name matches (case-insensitive).
 * @param {{ quick: boolean, filter?: string }} opts
 */
export function selectCells(opts) {
  let cells = opts.quick ? ALL_CELLS.filter((c) => c.side === 1024 && (c.sigma <= 8 || c.oursOnly)) : ALL_CELLS;
  if (opts.filter) {
    const re = new RegExp(opts.filter, 'i');
    cells = cells.filter((c) => re.test(c.id) || re.test(c.name));
  }
  return cells;
}
