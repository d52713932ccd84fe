#!/usr/bin/python3
"""Reference answers for lib/dsp/morlet.ts from MNE-Python's tfr_array_morlet.

Run with the system interpreter (Debian's python3-mne):
    /usr/bin/python3 scripts/reference/tfr_morlet_fixture.py
Writes lib/dsp/fixtures/tfr_morlet_mne.json. Arrays are little-endian base64: inputs float32 (so both sides
see the same numbers exactly), power float32 (the TypeScript output type; rounding is far below the 1e-4 test
tolerance).
"""
import base64
import json
import os

import mne
import numpy as np
from mne.time_frequency import tfr_array_morlet

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'lib', 'dsp', 'fixtures', 'tfr_morlet_mne.json')


def b64(a, dtype):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.dtype(dtype).newbyteorder('<')).tobytes()).decode()


def paper_cycles(freqs):
    return np.select([freqs < 8.5, freqs < 14.5, freqs < 29.5], [3.0, 4.0, 5.0], 6.0)


def make_data(rng, n_epochs, n_channels, n_times, sfreq, scale):
    t = np.arange(n_times) / sfreq
    x = rng.standard_normal((n_epochs, n_channels, n_times))
    x += 2.0 * np.sin(2 * np.pi * 10.0 * t)  # alpha-like rhythm
    burst = np.exp(-((t - t[n_times // 2]) ** 2) / (2 * 0.05 ** 2)) * np.sin(2 * np.pi * 80.0 * t)
    x[:, 0] += 3.0 * burst  # high-gamma burst mid-epoch on channel 0
    return (x * scale).astype(np.float32)


def case(name, data, sfreq, freqs, n_cycles, decim, zero_mean):
    power = tfr_array_morlet(data.astype(np.float64), sfreq, freqs, n_cycles=n_cycles, zero_mean=zero_mean,
                             use_fft=True, decim=decim, output='power')
    return {
        'name': name,
        'sfreq': sfreq,
        'shape': list(data.shape),
        'freqs': [float(f) for f in freqs],
        'nCycles': [float(c) for c in np.broadcast_to(n_cycles, freqs.shape)],
        'decim': decim,
        'zeroMean': zero_mean,
        'data': b64(data, np.float32),
        'powerShape': list(power.shape),
        'power': b64(power, np.float32),
    }


def main():
    rng = np.random.default_rng(20200527)
    cases = []
    # Paper settings (512 Hz, -500..1000 ms = 768 samples, paper k0 per band), a spread of frequencies.
    paper = make_data(rng, 2, 2, 768, 512.0, 1.0)
    f1 = np.array([4, 6, 8, 9, 12, 15, 22, 30, 45, 70, 100, 149], float)
    cases.append(case('paper_decim4', paper, 512.0, f1, paper_cycles(f1), 4, False))
    f2 = np.array([4, 10, 40, 149], float)
    cases.append(case('paper_full', paper[:1, :1], 512.0, f2, paper_cycles(f2), 1, False))
    # Odd length, non-integer cycles, zero-mean wavelets, decim not dividing n_times, microvolt scale.
    odd = make_data(rng, 1, 2, 300, 256.0, 1e-5)
    f3 = np.array([5, 11, 33], float)
    cases.append(case('zero_mean_odd', odd, 256.0, f3, np.full(3, 2.5), 3, True))

    # The wavelets themselves (float64), to pin the construction and normalisation independently of the FFT path.
    wavelets = []
    for sfreq, f, c, zm in [(512.0, 4.0, 3.0, False), (512.0, 40.0, 6.0, False), (256.0, 11.0, 2.5, True)]:
        w = mne.time_frequency.morlet(sfreq, [f], n_cycles=c, zero_mean=zm)[0]
        wavelets.append({'sfreq': sfreq, 'freq': f, 'nCycles': c, 'zeroMean': zm,
                         're': b64(w.real, np.float64), 'im': b64(w.imag, np.float64)})

    fixture = {'generator': 'scripts/reference/tfr_morlet_fixture.py', 'mne': mne.__version__,
               'numpy': np.__version__, 'cases': cases, 'wavelets': wavelets}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as fh:
        json.dump(fixture, fh)
    print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
