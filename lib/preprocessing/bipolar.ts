/**
 * Bipolar re-referencing of depth (sEEG) shafts: each contact minus its next neighbour on the same shaft, as
 * mne.set_bipolar_reference(anode, cathode) names and computes it ('LO1-LO2' = LO1 - LO2).
 */

export interface ContactName {
  /** Shaft (electrode) name: the contact name without its trailing digits, e.g. 'LO' or "A'". */
  shaft: string;
  /** Contact number along the shaft. */
  number: number;
}

/** Splits 'LO12' into shaft 'LO' and number 12; null when the name has no shaft or no trailing number. */
export function parseContactName(name: string): ContactName | null {
  const m = /^(.*?)\s*(\d+)$/.exec(name.trim());
  if (!m || m[1] === '') return null;
  return { shaft: m[1], number: Number.parseInt(m[2], 10) };
}

export interface BipolarResult {
  /** 'anode-cathode' for each pair. */
  chNames: string[];
  /** Indices into the input channels, [anode, cathode]. */
  pairs: [number, number][];
  /** pairs x times, anode minus cathode. */
  data: Float64Array;
  /** pairs x 3: the anode's (first contact's) position; null when no positions were given. */
  positions: Float64Array | null;
  /** Contacts in no pair (no neighbour with the next number, or a name without shaft and number). */
  unpaired: string[];
}

/**
 * Pairs each contact with the contact numbered one higher on the same shaft. Shafts keep the order in which they
 * first appear, pairs within a shaft go by contact number. Gaps (LO3 missing) break the chain: LO2 and LO4 are
 * not neighbours.
 *
 * @param data channels x times, C order.
 * @param positions channels x 3 (MNI mm), or null.
 */
export function bipolarReference(
  chNames: readonly string[],
  data: ArrayLike<number>,
  positions: ArrayLike<number> | null = null,
): BipolarResult {
  const nCh = chNames.length;
  if (nCh === 0 || data.length % nCh !== 0) throw new RangeError(`${data.length} values are not whole rows for ${nCh} channels`);
  if (positions && positions.length !== nCh * 3) throw new RangeError(`positions need ${nCh * 3} values (channels x 3), got ${positions.length}`);
  const nTimes = data.length / nCh;

  const shafts = new Map<string, Map<number, number>>();
  chNames.forEach((name, i) => {
    const parsed = parseContactName(name);
    // Names without shaft and number (ECG, EOG) simply stay unpaired.
    if (!parsed) return;
    let contacts = shafts.get(parsed.shaft);
    if (!contacts) shafts.set(parsed.shaft, (contacts = new Map()));
    const prior = contacts.get(parsed.number);
    if (prior !== undefined) throw new Error(`contact ${parsed.shaft}${parsed.number} appears twice ('${chNames[prior]}', '${name}')`);
    contacts.set(parsed.number, i);
  });

  const pairs: [number, number][] = [];
  const paired = new Set<number>();
  for (const contacts of shafts.values()) {
    for (const num of [...contacts.keys()].sort((a, b) => a - b)) {
      const next = contacts.get(num + 1);
      if (next === undefined) continue;
      const anode = contacts.get(num) as number;
      pairs.push([anode, next]);
      paired.add(anode).add(next);
    }
  }

  const out = new Float64Array(pairs.length * nTimes);
  const pos = positions ? new Float64Array(pairs.length * 3) : null;
  pairs.forEach(([a, b], p) => {
    for (let t = 0; t < nTimes; t++) out[p * nTimes + t] = data[a * nTimes + t] - data[b * nTimes + t];
    if (pos && positions) for (let k = 0; k < 3; k++) pos[p * 3 + k] = positions[a * 3 + k];
  });
  return {
    chNames: pairs.map(([a, b]) => `${chNames[a]}-${chNames[b]}`),
    pairs,
    data: out,
    positions: pos,
    unpaired: chNames.filter((_, i) => !paired.has(i)),
  };
}
