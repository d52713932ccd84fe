/**
 * A dendrogram from SciPy-style link coordinates (leaf i at x = 5 + 10 i, heights = merge distances), leaves
 * labelled and coloured by their flat cluster, and the cut that gives those clusters drawn as a dashed line.
 */
const PALETTE = ['#3b5bdb', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0b7285', '#a61e4d', '#5c940d'];

export function Dendrogram({
  leaves,
  links,
  clusterOf,
  label,
  height = 220,
}: {
  leaves: readonly string[];
  links: readonly { x: readonly number[]; y: readonly number[] }[];
  /** Flat cluster id (1-based) of each leaf, by name. */
  clusterOf: ReadonlyMap<string, number>;
  label: string;
  height?: number;
}) {
  const step = 34;
  const left = 48;
  const top = 10;
  const bottom = 70;
  const width = left + step * Math.max(leaves.length, 2) + 10;
  const maxH = Math.max(1e-12, ...links.flatMap((l) => l.y));
  const px = (x: number) => left + ((x - 5) / 10) * step + step / 2;
  const py = (y: number) => top + (1 - y / maxH) * (height - top - bottom);
  const nClusters = new Set(clusterOf.values()).size;
  // The flat clusters come from cutting the tree between the (n - k)th and (n - k + 1)th merge heights.
  const heights = links.map((l) => l.y[1]!).sort((a, b) => a - b);
  const cut = nClusters > 1 && heights.length >= nClusters ? (heights[heights.length - nClusters]! + heights[heights.length - nClusters + 1]!) / 2 : null;
  return (
    <svg role="img" aria-label={label} width={width} height={height} style={{ maxWidth: '100%', overflow: 'visible' }}>
      <line x1={left - 6} x2={left - 6} y1={py(0)} y2={py(maxH)} stroke="#888" />
      <text x={left - 10} y={py(maxH) + 4} fontSize={10} textAnchor="end">
        {maxH.toPrecision(3)}
      </text>
      <text x={left - 10} y={py(0) + 4} fontSize={10} textAnchor="end">
        0
      </text>
      {links.map((l, i) => (
        <polyline key={i} fill="none" stroke="#444" strokeWidth={1.2} points={l.x.map((x, j) => `${px(x)},${py(l.y[j]!)}`).join(' ')} />
      ))}
      {cut !== null && <line x1={left - 6} x2={width - 10} y1={py(cut)} y2={py(cut)} stroke="#c92a2a" strokeDasharray="4 3" />}
      {leaves.map((name, i) => {
        const x = px(5 + 10 * i);
        const color = PALETTE[((clusterOf.get(name) ?? 1) - 1) % PALETTE.length];
        return (
          <g key={name}>
            <circle cx={x} cy={py(0)} r={4} fill={color} />
            <text x={x} y={py(0) + 12} fontSize={11} fill={color} transform={`rotate(60 ${x} ${py(0) + 12})`}>
              {name}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
