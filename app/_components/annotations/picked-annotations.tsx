'use client';

import { useState } from 'react';
import type { LabRole } from '@/db/schema';
import { Card, Select } from '../ui';
import { AnchorAnnotations, annotationRights } from './annotations';

type Access = { role: LabRole; via: 'member' | 'share' | 'review' };

/** Notes on cells of an RSA's area × layer maps: every cell's threads, and a new one on the cell picked here. */
export function RsaCellAnnotations({
  labId,
  analysisId,
  access,
  summary,
  layerLabels,
}: {
  labId: string;
  analysisId: string;
  access: Access;
  summary: { bandWindows: string[]; areas: string[]; layers: string[] };
  layerLabels: string[];
}) {
  const [cell, setCell] = useState({ bandWindow: summary.bandWindows[0] ?? '', area: summary.areas[0] ?? '', layer: summary.layers[0] ?? '', network: 'trained' as 'trained' | 'random' });
  if (!annotationRights(access).canRead) return null;
  const pick = (k: keyof typeof cell) => (e: { target: { value: string } }) => setCell({ ...cell, [k]: e.target.value });
  return (
    <Card
      title="Annotations of cells"
      actions={
        annotationRights(access).canWrite && (
          <div className="row" role="group" aria-label="Cell to annotate">
            <Select aria-label="Band and window" value={cell.bandWindow} onChange={pick('bandWindow')}>
              {summary.bandWindows.map((b) => (
                <option key={b}>{b}</option>
              ))}
            </Select>
            <Select aria-label="Area" value={cell.area} onChange={pick('area')}>
              {summary.areas.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </Select>
            <Select aria-label="Layer" value={cell.layer} onChange={pick('layer')}>
              {summary.layers.map((l, i) => (
                <option key={l} value={l}>
                  {layerLabels[i] ?? l}
                </option>
              ))}
            </Select>
            <Select aria-label="Network" value={cell.network} onChange={pick('network')}>
              <option value="trained">trained</option>
              <option value="random">random</option>
            </Select>
          </div>
        )
      }
    >
      <AnchorAnnotations
        object={{ labId, objectKind: 'analysis', objectId: analysisId }}
        access={access}
        scope={{ anchorTypes: ['rsa-cell'] }}
        anchor={{ type: 'rsa-cell', ...cell }}
        action={`Annotate ${cell.area} × ${cell.layer}, ${cell.bandWindow}`}
      />
    </Card>
  );
}

/** Notes on a state-space map: every thread on it, and a new one on the territory of the action picked here. */
export function StateMapAnnotations({ labId, analysisId, access, actions }: { labId: string; analysisId: string; access: Access; actions: string[] }) {
  const [action, setAction] = useState(actions[0] ?? '');
  if (!annotationRights(access).canRead) return null;
  return (
    <Card
      title="Annotations"
      actions={
        annotationRights(access).canWrite && (
          <Select aria-label="Territory to annotate" value={action} onChange={(e) => setAction(e.target.value)}>
            {actions.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </Select>
        )
      }
    >
      <AnchorAnnotations
        object={{ labId, objectKind: 'statespace', objectId: analysisId }}
        access={access}
        scope={{ anchorTypes: ['state-territory', 'state-point'] }}
        anchor={{ type: 'state-territory', action }}
        action={`Annotate the territory of ${action}`}
      />
    </Card>
  );
}
