import { describeChannels } from '@/server/anatomy';

/** Channel rows with positions (from the file, or the standard montage for named EEG channels) and atlas regions. */
export async function channelRows(
  datasetId: string,
  chs: { name: string; type: string; unit: string; position?: readonly number[]; coordFrame: string | null; location?: string; group?: string; region?: string }[],
) {
  const anatomy = await describeChannels(chs);
  return chs.map((ch, index) => {
    const a = anatomy[index]!;
    const position = ch.position ?? a.position;
    return {
      datasetId,
      index,
      name: ch.name,
      type: ch.type,
      unit: ch.unit,
      x: position?.[0] ?? null,
      y: position?.[1] ?? null,
      z: position?.[2] ?? null,
      coordFrame: (ch.position ? ch.coordFrame : a.coordFrame) ?? 'unknown',
      region: ch.region ?? a.brodmann ?? null,
      aal: a.aal ?? null,
      atlasDistanceMm: a.atlasDistanceMm ?? null,
      location: ch.location ?? null,
      group: ch.group ?? null,
    };
  });
}
