#!/usr/bin/python3
"""Reference answers for lib/stats (wilcoxon.ts, fdr.ts) from SciPy and MNE-Python.

Run with the system interpreter (Debian's python3-scipy / python3-mne):
    /usr/bin/python3 scripts/reference/stats_fixtures.py
Writes lib/stats/fixtures/wilcoxon_scipy.json and lib/stats/fixtures/fdr_mne.json.
Floats are written with repr(), so they round-trip exactly through JSON.parse.
"""
import json
import os
import warnings

import mne
import numpy as np
import scipy
from mne.stats import fdr_correction
from scipy import special, stats

HERE = os.path.dirname(__file__)
OUT_DIR = os.path.join(HERE, '..', '..', 'lib', 'stats', 'fixtures')


def wilcoxon_case(name, x, y=None, **kw):
    x = np.asarray(x, float)
    y = None if y is None else np.asarray(y, float)
    case = {'name': name, 'x': x.tolist(), 'y': None if y is None else y.tolist(), 'options': kw}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            res = stats.wilcoxon(x, y, **kw)
        except ValueError as err:
            case['error'] = str(err)
            return case
    case['statistic'] = float(res.statistic)
    case['pvalue'] = float(res.pvalue)
    return case


def wilcoxon_cases(rng):
    cases = []
    # Exact distribution (n <= 50, no zeros), continuous data.
    for n in [1, 2, 3, 5, 8, 10, 20, 30, 49, 50]:
        x = rng.normal(0.4, 1.0, n)
        y = rng.normal(0.0, 1.0, n)
        cases.append(wilcoxon_case(f'exact_n{n}', x, y))
    cases.append(wilcoxon_case('exact_center_p1', [1, -2, -3, 4]))
    cases.append(wilcoxon_case('exact_all_positive_n20', rng.uniform(0.1, 1.0, 20)))
    cases.append(wilcoxon_case('exact_all_negative_n50', -rng.uniform(0.1, 1.0, 50)))
    # Ties without zeros: SciPy 1.10 stays exact and truncates r_plus to int.
    for n in [6, 15, 40]:
        d = np.round(rng.normal(0.3, 1.0, n), 1)
        d[d == 0] = 0.1
        cases.append(wilcoxon_case(f'exact_ties_n{n}', d))
    # Half-integer rank sums: r_plus = 38.5 is truncated to 38 for the exact p-value.
    cases.append(wilcoxon_case('exact_ties_half_rank', [1, -1, 2, 3, -5, 6.5, 7, 7, 8]))
    # Zeros force the normal approximation (and are dropped by zero_method='wilcox').
    d = np.round(rng.normal(0.2, 1.0, 20), 1)
    d[:3] = 0.0
    cases.append(wilcoxon_case('approx_zeros_n20', d))
    cases.append(wilcoxon_case('approx_zeros_small_n8', [0, 0, 1.5, -0.5, 2, 3, 0.25, -1]))
    cases.append(wilcoxon_case('all_zeros_error', [0.0, 0.0, 0.0]))
    cases.append(wilcoxon_case('all_zeros_error_n60', np.zeros(60)))
    # n > 50: normal approximation, with and without ties / zeros.
    for n in [51, 80, 200]:
        cases.append(wilcoxon_case(f'approx_n{n}', rng.normal(0.15, 1.0, n), rng.normal(0.0, 1.0, n)))
    d = np.round(rng.normal(0.2, 1.0, 120), 0)
    cases.append(wilcoxon_case('approx_ties_zeros_n120', d))
    # Paper-like: baseline power vs window power over 401 trials, positive, skewed.
    base = rng.lognormal(0.0, 0.5, 401)
    win = base * rng.lognormal(0.05, 0.3, 401)
    cases.append(wilcoxon_case('approx_paper_401_trials', base, win))
    # Extreme tails of the normal approximation.
    cases.append(wilcoxon_case('approx_tail_n300_all_positive', rng.uniform(0.5, 2.0, 300)))
    cases.append(wilcoxon_case('approx_tail_n2000', rng.normal(0.3, 1.0, 2000)))
    # Non-default options.
    d = np.round(rng.normal(0.3, 1.0, 60), 1)
    cases.append(wilcoxon_case('approx_correction', d, correction=True))
    cases.append(wilcoxon_case('approx_greater', d, alternative='greater'))
    cases.append(wilcoxon_case('approx_less', d, alternative='less'))
    cases.append(wilcoxon_case('approx_pratt', d, zero_method='pratt'))
    cases.append(wilcoxon_case('approx_zsplit', d, zero_method='zsplit'))
    cases.append(wilcoxon_case('approx_zsplit_correction_less', d, zero_method='zsplit', correction=True,
                               alternative='less'))
    x = rng.normal(0.5, 1.0, 25)
    cases.append(wilcoxon_case('forced_approx_n25', x, method='approx'))
    cases.append(wilcoxon_case('exact_greater_n25', x, alternative='greater'))
    cases.append(wilcoxon_case('exact_less_n25', x, alternative='less'))
    cases.append(wilcoxon_case('forced_exact_n60', rng.normal(0.3, 1.0, 60), method='exact'))
    cases.append(wilcoxon_case('exact_pratt_no_zeros', x, zero_method='pratt'))
    return cases


def fdr_cases(rng):
    cases = []

    def add(name, p, alpha=0.05, method='indep'):
        p = np.asarray(p, float)
        reject, corrected = fdr_correction(p, alpha=alpha, method=method)
        cases.append({'name': name, 'pvals': p.tolist(), 'alpha': alpha, 'method': method,
                      'reject': [bool(r) for r in reject], 'pvalsCorrected': corrected.tolist()})

    mixed = np.concatenate([rng.uniform(0, 1, 150), rng.uniform(0, 1e-3, 24)])
    rng.shuffle(mixed)
    add('mixed_174', mixed)
    add('mixed_174_q0005', mixed, alpha=0.005)
    add('mixed_174_negcorr', mixed, method='negcorr')
    add('uniform_none', rng.uniform(0.2, 1, 30))
    add('ties', [0.01, 0.04, 0.01, 0.03, 0.04, 0.5, 0.04, 0.002, 0.9, 0.01])
    add('single', [0.03])
    add('single_rejected_at_q', [0.04], alpha=0.05)
    add('exact_boundary', [0.01, 0.02, 0.03, 0.04, 0.05], alpha=0.05)  # p == rank * alpha / n: MNE keeps '<'
    add('all_small', rng.uniform(0, 1e-4, 12))
    add('capped_at_one', [0.9, 0.95, 0.99, 1.0, 0.97])
    return cases


def ndtr_cases():
    z = np.concatenate([np.linspace(-40, 40, 161), [-1e-3, 1e-3, -0.5, -0.7071, -0.70711, -1.4142, -1.4143, -2.0,
                                                   -2.8285, -2.8284, -3.5, -5.0, -8.0, -12.5, -20.0, -37.5, 6.5]])
    return [{'z': float(v), 'ndtr': float(special.ndtr(v))} for v in z]


def main():
    rng = np.random.default_rng(7870)
    os.makedirs(OUT_DIR, exist_ok=True)
    meta = {'scipy': scipy.__version__, 'mne': mne.__version__, 'numpy': np.__version__,
            'generator': 'scripts/reference/stats_fixtures.py'}
    w = dict(meta, cases=wilcoxon_cases(rng), ndtr=ndtr_cases())
    f = dict(meta, cases=fdr_cases(rng))
    for name, obj in [('wilcoxon_scipy.json', w), ('fdr_mne.json', f)]:
        path = os.path.join(OUT_DIR, name)
        with open(path, 'w') as fh:
            json.dump(obj, fh)
        print(f'wrote {path} ({os.path.getsize(path)} bytes)')


if __name__ == '__main__':
    main()
