#!/usr/bin/python3
"""NumPy/SciPy reference of Level 2's RSA step, for scripts/bench/rsa.ts (npm run bench:rsa).

    /usr/bin/python3 scripts/reference/rsa_bench.py DIR [standard|paper]

DIR holds activations.npy (layers x stimuli x features, float32), responses.npy (contacts x stimuli, float32) and
permutations.npy (permutations x stimuli, int32: the relabellings the TypeScript side uses, in its order).
Computes layer RDMs (Euclidean, pdist), contact RDMs (|x_i - x_j|, pdist cityblock), the Spearman RSA score of
every contact against every layer, and its permutation p = (count + 1) / (permutations + 1), count = permuted
rho >= observed - 1e-12. Prints one JSON line: timings, peak memory, rho and p (contacts x layers, row-major).

Vectorised as a NumPy user would: everything ranked once; per block of permutations, whichever side has fewer
RDMs is relabelled (the contacts' ranks by the permutation, or the layers' by its inverse, which gives the same
sums) with one fancy-indexing gather, and one BLAS matrix product scores all layers against all contacts.
"""
import json
import resource
import sys
import time

import numpy as np
from scipy.spatial.distance import pdist, squareform
from scipy.stats import rankdata


def condensed_ranks(rdms):
    """Centred average-tie ranks of each row (condensed RDMs: the standard score's entries)."""
    ranks = rankdata(rdms, axis=1)
    return ranks - (rdms.shape[1] + 1) / 2


def full_ranks(rdm):
    """Centred ranks over the full matrix, diagonal included (the paper's score; min-max scaling keeps ranks)."""
    full = squareform(rdm)
    return rankdata(full.ravel()).reshape(full.shape) - (full.size + 1) / 2


def main():
    folder = sys.argv[1]
    variant = sys.argv[2] if len(sys.argv) > 2 else 'standard'
    acts = np.load(f'{folder}/activations.npy')
    resp = np.load(f'{folder}/responses.npy')
    perms = np.load(f'{folder}/permutations.npy')
    n_layers, n = acts.shape[0], acts.shape[1]
    n_contacts, n_perm = resp.shape[0], perms.shape[0]

    t0 = time.perf_counter()
    models = np.stack([pdist(a.astype(np.float64), 'euclidean') for a in acts])
    brains = np.stack([pdist(r.astype(np.float64)[:, None], 'cityblock') for r in resp])
    t1 = time.perf_counter()

    iu, ju = np.triu_indices(n, 1)
    if variant == 'paper':
        # Each pair counted twice plus the diagonal, whose term never changes under relabelling.
        w = np.stack([full_ranks(r) for r in models])
        ss_w = (w ** 2).sum(axis=(1, 2))
        b = np.empty((n_contacts, len(iu)))
        diag_b = np.empty(n_contacts)
        ss_b = np.empty(n_contacts)
        for c, r in enumerate(brains):
            f = full_ranks(r)
            b[c] = 2 * f[iu, ju]
            diag_b[c] = f[0, 0]
            ss_b[c] = (f ** 2).sum()
        diag = np.einsum('lii->l', w)[:, None] * diag_b[None, :]
    else:
        wc = condensed_ranks(models)
        w = np.stack([squareform(r) for r in wc])
        b = condensed_ranks(brains)
        ss_w = (wc ** 2).sum(axis=1)
        ss_b = (b ** 2).sum(axis=1)
        diag = np.zeros((n_layers, n_contacts))
    del brains
    norm = np.sqrt(ss_w)[:, None] * np.sqrt(ss_b)[None, :]
    observed = (w[:, iu, ju] @ b.T + diag) / norm
    t2 = time.perf_counter()

    count = np.zeros((n_layers, n_contacts))
    block = 32
    pair_i, pair_j = iu.astype(np.int64), ju.astype(np.int64)
    # Gather from the square rank matrices of the side with fewer RDMs.
    permute_contacts = n_contacts < n_layers
    if permute_contacts:
        square = np.zeros((n_contacts, n, n))
        square[:, iu, ju] = b
        square[:, ju, iu] = b
        fixed = w[:, iu, ju]
    else:
        square = w
        fixed = b
    flat = square.reshape(square.shape[0], n * n)
    for start in range(0, n_perm, block):
        order = perms[start:start + block]
        if not permute_contacts:
            order = np.argsort(order, axis=1)
        nb = order.shape[0]
        g = flat[:, order[:, pair_i] * n + order[:, pair_j]].reshape(square.shape[0] * nb, -1)
        sums = (g @ fixed.T).reshape(square.shape[0], nb, fixed.shape[0])
        if permute_contacts:
            sums = sums.transpose(2, 1, 0)
        rho = (sums + diag[:, None, :]) / norm[:, None, :]
        count += (rho >= observed[:, None, :] - 1e-12).sum(axis=1)
    t3 = time.perf_counter()

    p = (count + 1) / (n_perm + 1)
    print(json.dumps({
        'seconds': {'rdms': t1 - t0, 'ranks': t2 - t1, 'permutations': t3 - t2, 'total': t3 - t0},
        'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'rho': observed.T.ravel().tolist(),
        'p': p.T.ravel().tolist(),
    }))


if __name__ == '__main__':
    main()
