#!/usr/bin/python3
"""Reference answers for lib/rsa/hierarchy.ts from SciPy and a NumPy port of the authors' area mapping.

Run with the system interpreter (Debian's python3-scipy):
    /usr/bin/python3 scripts/reference/hierarchy_fixture.py
Writes lib/rsa/fixtures/hierarchy_scipy.json. Floats are written with repr(), so they round-trip exactly through
JSON.parse.

The mapping follows Mapper.compute_and_plot_area_mapping of Kuzovkin et al. (2018), github.com/kuz/
Human-Intracranial-Recordings-and-DCNN-to-Compare-Biological-and-Artificial-Mechanisms-of-Vision: scores filtered
by p <= 0.001, normalised by the area's contacts with any significant layer, alignment = spearmanr(area, layer)
over the significant pairs, high / (high + low) per area.
"""
import json
import os

import numpy as np
import scipy
from scipy import special, stats

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, '..', '..', 'lib', 'rsa', 'fixtures', 'hierarchy_scipy.json')
AREAS = ['BA17', 'BA18', 'BA19', 'BA37', 'BA20']


def t_p(rho, n):
    # scipy.stats.spearmanr's p from rho and n, without the data (same formula as _ttest_finish).
    dof = n - 2
    rho = np.float64(rho)
    with np.errstate(divide='ignore'):
        t = rho * np.sqrt(np.clip(dof / ((rho + 1.0) * (1.0 - rho)), 0, None))
    return float(special.stdtr(dof, -np.abs(t)) * 2)


def mapping_case(name, rng, n_contacts, n_layers, low, high):
    labels = rng.choice(AREAS + ['other'], size=n_contacts, p=[0.18] * 5 + [0.1])
    rho = rng.uniform(-0.1, 0.5, size=(n_contacts, n_layers))
    # Significant pairs lean diagonal: area k's contacts mostly reach layers near k * (n_layers - 1) / 4.
    p = 10 ** rng.uniform(-1.5, 0, size=(n_contacts, n_layers))
    for c, a in enumerate(labels):
        if a == 'other':
            continue
        k = AREAS.index(a) * (n_layers - 1) / 4
        for l in range(n_layers):
            if rng.random() < np.exp(-((l - k) ** 2) / 4):
                # A one-sided permutation p this small comes with a positive rho.
                p[c, l] = 10 ** rng.uniform(-5, -3)
                rho[c, l] = rng.uniform(0.05, 0.5)
    # Short decimals keep the fixture small; both sides read the same values.
    rho = np.round(rho, 4)
    p = np.array([[float(f'{v:.4g}') for v in row] for row in p])
    filtered = rho * (p <= 0.001)
    area_idx = np.array([AREAS.index(a) if a in AREAS else -1 for a in labels])
    score = np.zeros((len(AREAS), n_layers))
    n_sig = np.zeros(len(AREAS))
    n_tot = np.zeros(len(AREAS))
    n_pairs = np.zeros((len(AREAS), n_layers))
    for a in range(len(AREAS)):
        rows = filtered[area_idx == a]
        n_tot[a] = len(rows)
        n_sig[a] = np.sum(np.sum(rows, axis=1) > 0.0)
        n_pairs[a] = np.sum(rows > 0.0, axis=0)
        score[a] = np.sum(rows, axis=0)
    with np.errstate(invalid='ignore', divide='ignore'):
        normalized = np.nan_to_num(score / n_sig[:, None])
    areas, layers = [], []
    for a in range(len(AREAS)):
        for l in range(n_layers):
            areas += [a] * int(n_pairs[a, l])
            layers += [l] * int(n_pairs[a, l])
    align = stats.spearmanr(areas, layers)
    hi = normalized[:, high].sum(axis=1)
    lo = normalized[:, low].sum(axis=1)
    with np.errstate(invalid='ignore', divide='ignore'):
        ratio = hi / (hi + lo)
    return {
        'name': name,
        'nLayers': n_layers,
        'areas': [str(a) for a in labels],
        'rho': [float(v) for v in rho.ravel()],
        'p': [float(v) for v in p.ravel()],
        'lowLayers': low,
        'highLayers': high,
        'score': [float(v) for v in normalized.ravel()],
        'pairCount': [int(v) for v in n_pairs.ravel()],
        'significantContacts': [int(v) for v in n_sig],
        'contacts': [int(v) for v in n_tot],
        'alignmentRho': float(align.statistic),
        'alignmentP': float(align.pvalue),
        'nPairs': len(areas),
        # NaN (no significant contact in the area) is written as null.
        'highLowRatio': [None if np.isnan(v) else float(v) for v in ratio],
    }


def main():
    rng = np.random.default_rng(20181107)
    pvalues = []
    for n in [3, 4, 10, 37, 200, 1000, 5000, 40000]:
        for rho in [0.0, 0.013, -0.05, 0.1, 0.3, -0.55, 0.9, 0.999, 0.999999]:
            pvalues.append({'rho': rho, 'n': n, 'p': t_p(rho, n)})
    alignments = []
    for n, n_areas, n_layers, coupling in [(12, 5, 9, 0.8), (80, 5, 9, 0.6), (600, 5, 9, 0.3), (300, 3, 4, 0.0)]:
        a = rng.integers(0, n_areas, size=n)
        noise = rng.integers(0, n_layers, size=n)
        layer = np.where(rng.random(n) < coupling, np.round(a * (n_layers - 1) / (n_areas - 1)), noise).astype(int)
        res = stats.spearmanr(a, layer)
        alignments.append({'areas': [int(v) for v in a], 'layers': [int(v) for v in layer],
                           'rho': float(res.statistic), 'p': float(res.pvalue)})
    out = {
        'scipy': scipy.__version__,
        'numpy': np.__version__,
        'pvalues': pvalues,
        'alignments': alignments,
        'mappings': [
            mapping_case('paper_groups_9_layers', rng, 120, 9, [1, 2, 3], [5, 6, 7]),
            mapping_case('thirds_9_layers', rng, 60, 9, [0, 1, 2], [6, 7, 8]),
        ],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(out, f, indent=None, separators=(',', ':'))
        f.write('\n')
    print(f'wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
