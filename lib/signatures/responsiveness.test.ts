import { describe, expect, it } from 'vitest';
import { generateIeegEpochs } from '../synthetic';
import { pickContact } from './features';
import { PAPER_BANDS, PAPER_WINDOWS, responsiveContacts, responsivenessPValues } from './responsiveness';

describe('responsiveness (Wilcoxon baseline vs window, FDR across contacts)', () => {
  it('a contact with a planted post-stimulus power change is responsive; background-only contacts are not', () => {
    // Background only, except the planted effects; no evoked response, so only planted contacts respond.
    const synthetic = generateIeegEpochs({ seed: 3, trialsPerCategory: 20, evoked: false });
    const nEpochs = synthetic.labels.length;
    const planted = synthetic.groundTruth.predictiveContacts.face![0]!;
    const quiet = synthetic.chNames.filter((n) => !Object.values(synthetic.groundTruth.predictiveContacts).flat().includes(n)).slice(0, 5);
    const names = [planted, ...quiet];
    // Only the face trials, where the planted 70-150 Hz increase is.
    const face = synthetic.categories.indexOf('face');
    const trials = Array.from(synthetic.labels.keys()).filter((e) => synthetic.labels[e] === face);
    const pValues = names.map((name) => {
      const all = pickContact(synthetic.data, nEpochs, synthetic.chNames.length, synthetic.nTimes, synthetic.chNames.indexOf(name));
      const data = new Float32Array(trials.length * synthetic.nTimes);
      trials.forEach((e, i) => data.set(all.data.subarray(e * synthetic.nTimes, (e + 1) * synthetic.nTimes), i * synthetic.nTimes));
      return responsivenessPValues(data, synthetic.nTimes, synthetic.sfreq, synthetic.tmin);
    });
    expect(pValues[0]).toHaveLength(PAPER_BANDS.length * PAPER_WINDOWS.length);
    // The planted contact's smallest p-value lies in a gamma band (70-150 Hz) and a window inside 100-350 ms.
    const best = pValues[0]!.indexOf(Math.min(...pValues[0]!));
    const band = PAPER_BANDS[Math.floor(best / PAPER_WINDOWS.length)]!;
    expect(band[0]).toBeGreaterThanOrEqual(70);
    const { responsive, significant } = responsiveContacts(pValues, { q: 0.005 });
    expect(responsive[0]).toBe(true);
    expect(significant[0]).toBeGreaterThanOrEqual(10);
    expect(responsive.slice(1)).toEqual(quiet.map(() => false));
  });
});
