"""Reference log band powers for lib/eeg/features.test.ts, from scipy.signal.welch (one Hann segment per window).

Writes lib/eeg/fixtures/bandpower.json: for each case the input samples (channels x times, volts), the window
layout and log10 band power per window, channel and band. Run: python3 scripts/reference/eeg_bandpower_fixture.py
"""
import json
import pathlib

import numpy as np
from scipy.signal import welch

BANDS = [("delta", 1, 4), ("theta", 4, 8), ("alpha", 8, 13), ("beta", 13, 30), ("gamma", 30, 45)]


def case(seed, n_channels, sfreq, n_times, window_s, hop_s):
    rng = np.random.default_rng(seed)
    t = np.arange(n_times) / sfreq
    # Brown-ish noise plus a 10 Hz rhythm and a DC offset per channel, in volts.
    x = np.cumsum(rng.standard_normal((n_channels, n_times)), axis=1) * 2e-6
    x += 10e-6 * np.sin(2 * np.pi * 10.3 * t + rng.uniform(0, 2 * np.pi, (n_channels, 1)))
    x += rng.uniform(-50e-6, 50e-6, (n_channels, 1))
    n = int(round(window_s * sfreq))
    hop = int(round(hop_s * sfreq))
    nfft = 1 << (n - 1).bit_length()
    starts = list(range(0, n_times - n + 1, hop))
    out = []
    for s in starts:
        f, p = welch(x[:, s : s + n], fs=sfreq, window="hann", nperseg=n, noverlap=0, nfft=nfft, detrend="constant")
        df = f[1] - f[0]
        row = []
        for ch in range(n_channels):
            row.append([float(np.log10(p[ch, (f >= lo) & (f < hi)].sum() * df)) for _, lo, hi in BANDS])
        out.append(row)
    return {
        "sfreq": sfreq,
        "window_s": window_s,
        "hop_s": hop_s,
        "n_fft": nfft,
        "data": x.tolist(),
        "starts": starts,
        "log_power": out,
    }


cases = [case(1, 3, 160.0, 480, 1.0, 0.25), case(2, 2, 250.0, 700, 1.0, 0.1)]
path = pathlib.Path(__file__).resolve().parents[2] / "lib" / "eeg" / "fixtures" / "bandpower.json"
path.write_text(json.dumps({"bands": [{"name": n, "fmin": lo, "fmax": hi} for n, lo, hi in BANDS], "cases": cases}))
print(f"wrote {path}")
