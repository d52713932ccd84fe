#!/usr/bin/python3
"""scikit-learn RandomForestClassifier fit time, for comparison with lib/ml/forest.

    /usr/bin/python3 scripts/reference/forest_bench.py --samples 160 --features 7008 --trees 100 [--jobs 1]

Data: planted_dataset() from forest_reference.py (the same matrix lib/ml/forest/planted.ts generates for the
same options). Prints one JSON line: fit_s (wall) and cpu_s (process CPU time, steadier on a busy machine) hold one
entry per repeat, best_s and best_cpu_s their minima.
"""
import argparse
import json
import os
import sys
import time

import sklearn
from sklearn.ensemble import RandomForestClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forest_reference import planted_dataset  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--samples', type=int, default=160)
    ap.add_argument('--features', type=int, default=7008)
    ap.add_argument('--classes', type=int, default=8)
    ap.add_argument('--informative', type=int, default=4)
    ap.add_argument('--shift', type=float, default=1.5)
    ap.add_argument('--trees', type=int, default=100)
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--seed', type=int, default=12345)
    a = ap.parse_args()

    t0 = time.perf_counter()
    X, y = planted_dataset(a.samples, a.features, a.classes, a.informative, a.shift, a.seed)
    gen_s = time.perf_counter() - t0

    times, cpu = [], []
    for r in range(a.repeat):
        rf = RandomForestClassifier(n_estimators=a.trees, n_jobs=a.jobs, random_state=r)
        t0, c0 = time.perf_counter(), time.process_time()
        rf.fit(X, y)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    print(json.dumps(dict(
        impl='sklearn', sklearn_version=sklearn.__version__, samples=a.samples, features=a.features,
        classes=a.classes, trees=a.trees, jobs=a.jobs, fit_s=[round(t, 4) for t in times],
        best_s=round(min(times), 4), cpu_s=[round(t, 4) for t in cpu], best_cpu_s=round(min(cpu), 4), mean_nodes=float(sum(e.tree_.node_count for e in rf.estimators_) / a.trees),
        data_gen_s=round(gen_s, 2))))


if __name__ == '__main__':
    sys.exit(main())
