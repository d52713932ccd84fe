import { readFile } from 'node:fs/promises';
import { makeAtlas, matchMontage, readElc, regionAt, type Atlas, type Montage } from '@/lib/atlas';
import { assetPath } from './assets';

/** Atlases and the standard montage, read once per process from the assets folder. */
let cache: Promise<{ brodmann: Atlas; aal: Atlas; montage: Montage }> | null = null;

export function anatomy() {
  cache ??= (async () => {
    const [brodmann, aal, aalNames, elc] = await Promise.all([
      readFile(assetPath('atlas/brodmann.nii.gz')),
      readFile(assetPath('atlas/aal.nii.gz')),
      readFile(assetPath('atlas/aal.nii.txt'), 'utf8'),
      readFile(assetPath('montage/standard_1005.elc'), 'utf8'),
    ]);
    return { brodmann: makeAtlas('brodmann', brodmann), aal: makeAtlas('aal', aal, aalNames), montage: readElc(elc) };
  })();
  cache.catch(() => (cache = null));
  return cache;
}

export const MONTAGE_FRAME = 'head (standard_1005)';
/** How far from a labelled voxel a contact may lie and still get that label (white matter, the edge of the mask). */
export const ATLAS_RADIUS_MM = 5;

export interface ChannelAnatomy {
  position?: [number, number, number];
  coordFrame?: string;
  brodmann?: string | null;
  aal?: string | null;
  atlasDistanceMm?: number | null;
}

/**
 * Region labels for contacts with MNI positions (Brodmann and AAL, nearest labelled voxel within 5 mm), and
 * standard positions for scalp EEG channels without positions, matched by name (tolerant of case and trailing dots).
 * Positions in other frames are left as they are: they are never labelled with an MNI atlas.
 */
export async function describeChannels(
  channels: { name: string; type: string; position?: readonly number[] | null; coordFrame?: string | null }[],
): Promise<ChannelAnatomy[]> {
  const { brodmann, aal, montage } = await anatomy();
  const eegWithout = channels.map((c, i) => ({ c, i })).filter(({ c }) => c.type === 'eeg' && !c.position);
  const matched = new Map(matchMontage(eegWithout.map(({ c }) => c.name), montage).matches.map((m) => [eegWithout[m.channel]!.i, m]));
  return channels.map((c, i) => {
    const m = matched.get(i);
    if (m) return { position: [m.position[0], m.position[1], m.position[2]], coordFrame: MONTAGE_FRAME };
    if (!c.position || c.coordFrame !== 'mni_tal') return {};
    const ba = regionAt(brodmann, c.position, { maxDistanceMm: ATLAS_RADIUS_MM });
    const al = regionAt(aal, c.position, { maxDistanceMm: ATLAS_RADIUS_MM });
    return { brodmann: ba?.name ?? null, aal: al?.name ?? null, atlasDistanceMm: ba ? ba.distanceMm : (al?.distanceMm ?? null) };
  });
}
