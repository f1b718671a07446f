#!/usr/bin/env python3
"""Goldens for engine.gaussianBlur / cpu.gaussianBlur: scipy.ndimage.gaussian_filter on small float32
images, every boundary mode, isotropic and anisotropic sigmas, written to test/goldens/gaussian.json.

Run with Debian's SciPy (apt-get install python3-scipy):  /usr/bin/python3 scripts/goldens/gaussian.py
Our boundary names map to ndimage's as the README says: symm→reflect, reflect→mirror,
replicate→nearest, wrap→wrap, fill→constant (with cval = fillValue).
"""
import json
import os

import numpy as np
import scipy
from scipy import ndimage

MODES = {'symm': 'reflect', 'reflect': 'mirror', 'replicate': 'nearest', 'wrap': 'wrap', 'fill': 'constant'}
CASES = [
    # (shape, sigma (y, x), truncate, fillValue)
    ((9, 11), (1.0, 1.0), 4.0, 0.0),
    ((12, 7), (2.0, 0.7), 4.0, 0.25),
    ((6, 6), (1.5, 3.0), 3.0, -1.0),  # radius larger than the image on one axis
    ((16, 16), (0.0, 2.5), 4.0, 0.0),  # sigma 0: that axis unfiltered
]


def image(shape, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1.0, 1.0, size=shape).astype(np.float32)


def main():
    out = {'scipy': scipy.__version__, 'numpy': np.__version__, 'cases': []}
    for i, (shape, sigma, truncate, fill) in enumerate(CASES):
        x = image(shape, 100 + i)
        for ours, mode in MODES.items():
            y = ndimage.gaussian_filter(x.astype(np.float64), sigma=sigma, mode=mode, cval=fill, truncate=truncate)
            out['cases'].append({
                'shape': list(shape), 'sigma': list(sigma), 'truncate': truncate, 'boundary': ours, 'fillValue': fill,
                'input': [float(v) for v in x.ravel()], 'output': [float(v) for v in y.ravel()],
            })
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, '..', '..', 'test', 'goldens', 'gaussian.json')
    with open(path, 'w') as f:
        json.dump(out, f)
        f.write('\n')
    print(f"wrote {len(out['cases'])} cases to {os.path.normpath(path)} (SciPy {scipy.__version__})")


if __name__ == '__main__':
    main()
