#!/usr/bin/python3
"""Reference answers from scikit-learn for lib/ml/forest (RandomForestClassifier, StratifiedKFold, f1_score).

Run with the system interpreter (Debian's python3-sklearn):
    /usr/bin/python3 scripts/reference/forest_reference.py [--out lib/ml/forest/fixtures/sklearn_reference.json]

The data matrix is not stored: planted_dataset() below is the bit-identical twin of lib/ml/forest/planted.ts
(xorshift32 + IEEE double +,-,*), and the fixture carries a checksum so the test notices if they ever drift.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

SQRT3 = 1.7320508075688772

# The comparison problem: 160 trials x 500 features, 8 classes of 20, 4 informative features per class.
PARAMS = dict(n_samples=160, n_features=500, n_classes=8, n_informative=4, shift=1.5, seed=12345)
N_TREES = 300
SKLEARN_SEEDS = list(range(24))  # spread of sklearn's own accuracy over forest seeds = the noise to compare against


def planted_dataset(n_samples, n_features, n_classes, n_informative, shift, seed):
    """Mirror of plantedDataset() in lib/ml/forest/planted.ts; keep the two in step."""
    s = (seed & 0xFFFFFFFF) or 1
    X = np.empty((n_samples, n_features), dtype=np.float32)
    y = np.empty(n_samples, dtype=np.int32)
    for i in range(n_samples):
        c = i % n_classes
        y[i] = c
        lo, hi = c * n_informative, (c + 1) * n_informative
        row = np.empty(n_features, dtype=np.float64)
        for j in range(n_features):
            u = []
            for _ in range(4):
                s ^= (s << 13) & 0xFFFFFFFF
                s ^= s >> 17
                s ^= (s << 5) & 0xFFFFFFFF
                u.append(s / 4294967296.0)
            x = (u[0] + u[1] + u[2] + u[3] - 2.0) * SQRT3
            if lo <= j < hi:
                x += shift
            row[j] = x
        X[i] = row.astype(np.float32)
    return X, y


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--out', default=os.path.join(here, '..', '..', 'lib', 'ml', 'forest', 'fixtures',
                                                  'sklearn_reference.json'))
    args = ap.parse_args()

    X, y = planted_dataset(**PARAMS)
    n_classes = PARAMS['n_classes']

    # Folds fixed here and stored, so both implementations see the same splits.
    test_fold = np.empty(len(y), dtype=np.int32)
    for k, (_, test) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y)):
        test_fold[test] = k

    runs = []
    for seed in SKLEARN_SEEDS:
        rf = RandomForestClassifier(n_estimators=N_TREES, random_state=seed, n_jobs=1)
        pred = np.empty_like(y)
        for k in range(5):
            tr, te = test_fold != k, test_fold == k
            pred[te] = rf.fit(X[tr], y[tr]).predict(X[te])
        runs.append(dict(seed=seed, accuracy=float(accuracy_score(y, pred)),
                         f1=[round(float(v), 6) for v in f1_score(y, pred, average=None)]))
    accs = np.array([r['accuracy'] for r in runs])

    # MDI of a forest on all samples: averaged over seeds so the reference itself is not noisy.
    mdi = np.zeros(X.shape[1])
    for seed in SKLEARN_SEEDS[:4]:
        mdi += RandomForestClassifier(n_estimators=N_TREES, random_state=seed, n_jobs=1).fit(X, y).feature_importances_
    mdi /= 4
    # Shape of the trees grown on all samples: size and depth should match in distribution.
    nodes, depths = [], []
    for seed in SKLEARN_SEEDS[:4]:
        rf = RandomForestClassifier(n_estimators=N_TREES, random_state=seed, n_jobs=1).fit(X, y)
        nodes += [e.tree_.node_count for e in rf.estimators_]
        depths += [e.tree_.max_depth for e in rf.estimators_]

    # One full tree (all features per node) on a small slice: its root split is deterministic (no ties at the root).
    Xs, ys = X[:48, :12], y[:48] % 3
    t = DecisionTreeClassifier(random_state=0).fit(Xs, ys).tree_
    root = dict(feature=int(t.feature[0]), threshold=float(t.threshold[0]), impurity=float(t.impurity[0]),
                left_impurity=float(t.impurity[t.children_left[0]]),
                right_impurity=float(t.impurity[t.children_right[0]]),
                left_n=int(t.n_node_samples[t.children_left[0]]), right_n=int(t.n_node_samples[t.children_right[0]]))

    # Unshuffled StratifiedKFold is deterministic: our port must reproduce it exactly (uneven class sizes).
    rs = np.random.RandomState(7)
    y_uneven = rs.choice(4, size=37, p=[0.4, 0.3, 0.2, 0.1]).astype(np.int32)
    fold_uneven = np.empty(len(y_uneven), dtype=np.int32)
    for k, (_, test) in enumerate(StratifiedKFold(5).split(np.zeros(len(y_uneven)), y_uneven)):
        fold_uneven[test] = k

    out = dict(
        generated_by='scripts/reference/forest_reference.py',
        sklearn_version=sklearn.__version__,
        params=PARAMS,
        x_checksum=dict(sum=float(X.astype(np.float64).sum()), first=float(X[0, 0]), last=float(X[-1, -1]),
                        sum_sq=float((X.astype(np.float64) ** 2).sum())),
        n_trees=N_TREES,
        test_fold=test_fold.tolist(),
        runs=runs,
        accuracy_mean=float(accs.mean()),
        accuracy_sd=float(accs.std(ddof=1)),
        mdi=[round(float(v), 7) for v in mdi],
        tree_stats=dict(mean_nodes=float(np.mean(nodes)), sd_nodes=float(np.std(nodes, ddof=1)),
                        mean_depth=float(np.mean(depths)), sd_depth=float(np.std(depths, ddof=1)), n_trees=len(nodes)),
        tree_root=root,
        stratified_unshuffled=dict(y=y_uneven.tolist(), test_fold=fold_uneven.tolist()),
    )
    with open(args.out, 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    print(f'sklearn {sklearn.__version__}: CV accuracy over seeds {SKLEARN_SEEDS}: '
          f'mean {accs.mean():.4f} sd {accs.std(ddof=1):.4f} ({", ".join(f"{a:.3f}" for a in accs)})')
    print(f'wrote {os.path.relpath(args.out)} ({os.path.getsize(args.out)} bytes)')


if __name__ == '__main__':
    sys.exit(main())
