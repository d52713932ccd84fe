#!/usr/bin/python3
"""Reference answers for lib/rsa (rdm.ts, spearman.ts) from SciPy.

Run with the system interpreter (Debian's python3-scipy):
    /usr/bin/python3 scripts/reference/rsa_fixture.py
Writes lib/rsa/fixtures/rsa_scipy.json. Inputs are float32-representable (the TS API takes Float32Array
activations); floats are written with repr(), so they round-trip exactly through JSON.parse.
"""
import json
import os

import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import pdist, squareform

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, '..', '..', 'lib', 'rsa', 'fixtures', 'rsa_scipy.json')


def minmax(a):
    return (a - a.min()) / (a.max() - a.min())


def paper_rho(a, b):
    # The paper's score: full matrices min-max scaled, Spearman over the flattened full matrices.
    return float(stats.spearmanr(minmax(squareform(a)).ravel(), minmax(squareform(b)).ravel()).statistic)


def rdm_case(name, rng, n, d, ties=False):
    x = rng.standard_normal((n, d)).astype(np.float32)
    if ties:
        # Small integers: many equal distances, exercising average-tie ranks.
        x = rng.integers(0, 3, size=(n, d)).astype(np.float32)
    x64 = x.astype(np.float64)
    eu = pdist(x64, 'euclidean')
    co = pdist(x64, 'correlation')
    # One scalar response per stimulus, partly driven by the first feature (a planted relation) and rounded for ties.
    resp = np.round(x64[:, 0] + 0.5 * rng.standard_normal(n), 1).astype(np.float32).astype(np.float64)
    ad = pdist(resp[:, None], 'cityblock')
    return {
        'name': name,
        'n': n,
        'd': d,
        'x': [float(v) for v in x64.ravel()],
        'responses': [float(v) for v in resp],
        'euclidean': [float(v) for v in eu],
        'correlation': [float(v) for v in co],
        'absdiff': [float(v) for v in ad],
        'rankEuclidean': [float(v) for v in stats.rankdata(eu)],
        'rankAbsdiff': [float(v) for v in stats.rankdata(ad)],
        'spearmanEuclideanAbsdiff': float(stats.spearmanr(eu, ad).statistic),
        'spearmanCorrelationAbsdiff': float(stats.spearmanr(co, ad).statistic),
        'spearmanEuclideanCorrelation': float(stats.spearmanr(eu, co).statistic),
        'paperEuclideanAbsdiff': paper_rho(eu, ad),
        'paperEuclideanCorrelation': paper_rho(eu, co),
    }


def main():
    rng = np.random.default_rng(20181107)
    rank_cases = [
        [3.0, 1.0, 2.0],
        [1.0, 1.0, 1.0],
        [2.0, 5.0, 2.0, 1.0, 5.0, 5.0, 0.5],
        [float(v) for v in rng.integers(0, 5, size=20)],
    ]
    out = {
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'rankdata': [{'a': a, 'ranks': [float(v) for v in stats.rankdata(a)]} for a in rank_cases],
        'rdms': [
            rdm_case('n6_d4', rng, 6, 4),
            rdm_case('n12_d10', rng, 12, 10),
            rdm_case('n25_d16', rng, 25, 16),
            rdm_case('n10_d5_ties', rng, 10, 5, ties=True),
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
