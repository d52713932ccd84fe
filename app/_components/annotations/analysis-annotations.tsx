'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import type { LabRole } from '@/db/schema';
import { Card } from '../ui';
import { AnchorAnnotations, annotationRights, useAnnotations, type AnnotatedObject } from './annotations';

/** Annotated contacts of an analysis and their thread counts: pins on the brain and the list below it. */
export function useAnnotatedContacts(labId: string, analysisId: string, access: { role: LabRole; via: 'member' | 'share' | 'review' } | undefined) {
  const all = useAnnotations({ labId, objectKind: 'analysis', objectId: analysisId }, {}, annotationRights(access).canRead);
  return useMemo(() => {
    const perContact = new Map<string, number>();
    for (const t of all.data ?? []) {
      if (t.anchor?.type === 'contact' || t.anchor?.type === 'tf-box') perContact.set(t.anchor.contact, (perContact.get(t.anchor.contact) ?? 0) + 1);
    }
    return perContact;
  }, [all.data]);
}

/**
 * The annotations of a Level 1 analysis at the level the page is looking at: the annotated contacts (to find them
 * on the brain), then the threads of the selected contact and of the selected region.
 */
export function AnalysisAnnotations({
  labId,
  analysisId,
  access,
  contact,
  region,
  onSelectContact,
}: {
  labId: string;
  analysisId: string;
  access: { role: LabRole; via: 'member' | 'share' | 'review' };
  contact: { name: string; channelIndex: number } | null;
  region: string | null;
  onSelectContact: (name: string) => void;
}) {
  const object: AnnotatedObject = { labId, objectKind: 'analysis', objectId: analysisId };
  const perContact = useAnnotatedContacts(labId, analysisId, access);
  if (!annotationRights(access).canRead) return null;
  return (
    <Card title="Annotations" actions={<Link href={`/labs/${labId}/annotations`}>All of the lab&apos;s annotations</Link>}>
      <p aria-label="Annotated contacts">
        {perContact.size === 0 ? (
          <span className="muted">No contact is annotated yet.</span>
        ) : (
          <>
            Annotated contacts:{' '}
            {[...perContact].map(([name, n]) => (
              <button key={name} type="button" className="btn btn-ghost" aria-pressed={name === contact?.name} onClick={() => onSelectContact(name)}>
                {name} ({n})
              </button>
            ))}
          </>
        )}
      </p>
      <div className="grid">
        {contact && (
          <section>
            <h3>Contact {contact.name}</h3>
            <AnchorAnnotations
              // A new selection starts without the previous one's draft.
              key={contact.channelIndex}
              object={object}
              access={access}
              scope={{ anchorTypes: ['contact', 'tf-box'], channelIndex: contact.channelIndex }}
              anchor={{ type: 'contact', channelIndex: contact.channelIndex, contact: contact.name }}
              action={`Annotate ${contact.name}`}
            />
          </section>
        )}
        {region && (
          <section>
            <h3>Region {region}</h3>
            <AnchorAnnotations
              key={region}
              object={object}
              access={access}
              scope={{ anchorTypes: ['region'] }}
              match={(anchor) => anchor?.type === 'region' && anchor.region === region}
              anchor={{ type: 'region', region }}
              action={`Annotate ${region}`}
            />
          </section>
        )}
        {!contact && !region && <p className="muted">Select a contact or a region to see and write its annotations.</p>}
      </div>
    </Card>
  );
}
