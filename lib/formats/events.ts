/** Trigger-channel decoding, following mne.find_events. */

/** One row of MNE's events array: [sample, previous value, event id]. */
export type MneEvent = [number, number, number];

export interface FindEventsOptions {
  /** Bits kept before looking for steps (MNE `mask` with mask_type='and'); BioSemi triggers live in the lower 16. */
  mask?: number;
  /** Also report a non-zero first sample as an event (MNE `initial_event`). */
  initialEvent?: boolean;
}

/**
 * Events of a stim channel as mne.find_events(output='onset', consecutive='increasing') finds them:
 * an event starts where the (masked) value rises; a fall to a smaller non-zero value is not an event.
 */
export function findEvents(values: ArrayLike<number>, options: FindEventsOptions = {}): MneEvent[] {
  const mask = options.mask ?? 0xffff;
  const n = values.length;
  if (n === 0) return [];
  // MNE casts to int and takes |x| before masking.
  const v = (i: number) => Math.abs(Math.trunc(values[i])) & mask;

  // Steps [index, before, after], with the channel assumed to drop to 0 after the end (pad_stop=0).
  const steps: MneEvent[] = [];
  let prev = v(0);
  for (let i = 1; i < n; i++) {
    const cur = v(i);
    if (cur !== prev) steps.push([i, prev, cur]);
    prev = cur;
  }
  if (prev !== 0) steps.push([n, prev, 0]);
  if (options.initialEvent && v(0) !== 0) steps.unshift([0, 0, v(0)]);

  const onsetIdx: number[] = [];
  const offsetIdx: number[] = [];
  steps.forEach(([, before, after], k) => {
    const onset = after > before;
    if (onset) onsetIdx.push(k);
    if ((onset || after === 0) && before > 0) offsetIdx.push(k);
  });
  if (onsetIdx.length === 0 || offsetIdx.length === 0) return [];
  // Orphans at either end, as MNE drops them.
  if (onsetIdx[0] > offsetIdx[0]) offsetIdx.shift();
  if (offsetIdx.length === 0 || onsetIdx[onsetIdx.length - 1] > offsetIdx[offsetIdx.length - 1]) onsetIdx.pop();
  return onsetIdx.map((k) => steps[k]);
}
