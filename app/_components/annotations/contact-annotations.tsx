'use client';

import { useQuery } from '@tanstack/react-query';
import { useState, type ComponentProps } from 'react';
import type { AnnotationAnchor } from '@/db/schema';
import type { Heatmap } from '../heatmap';
import { useTRPC } from '../trpc';
import { Button } from '../ui';
import { AnnotatedHeatmap } from './annotated-heatmap';
import { AnnotationThreads, annotationRights, describeAnchor, useAnnotations, useFocusedAnnotation, type AnnotationScope } from './annotations';

/** Annotating one contact of a Level 1 analysis: what its map and its thread list share. */
export function useContactAnnotating({ labId, analysisId, channelIndex }: { labId: string; analysisId: string; channelIndex: number }) {
  const trpc = useTRPC();
  const analysis = useQuery(trpc.analyses.get.queryOptions({ labId, analysisId }));
  const rights = annotationRights(analysis.data?.access);
  const object = { labId, objectKind: 'analysis' as const, objectId: analysisId };
  const scope: AnnotationScope = { anchorTypes: ['tf-box', 'contact'], channelIndex };
  const threads = useAnnotations(object, scope, rights.canRead);
  const [draft, setDraft] = useState<AnnotationAnchor | null>(null);
  const [focused, focus] = useFocusedAnnotation();
  return { object, scope, rights, threads: threads.data ?? [], draft, setDraft, focused, focus, channelIndex };
}
type Annotating = ReturnType<typeof useContactAnnotating>;

/** The importance map of a category with its annotated boxes; editors drag on it to annotate a new box. */
export function ContactImportanceMap({
  annotating: a,
  contact,
  category,
  ...heatmap
}: ComponentProps<typeof Heatmap> & { annotating: Annotating; contact: string; category: string }) {
  const boxes = a.threads.flatMap((t) => (t.anchor?.type === 'tf-box' && t.anchor.category === category ? [{ id: t.id, bounds: t.anchor, label: describeAnchor(t.anchor) }] : []));
  return (
    <AnnotatedHeatmap
      {...heatmap}
      boxes={boxes}
      focused={a.focused}
      onFocus={(id) => a.focus(id === a.focused ? null : id)}
      draft={a.draft?.type === 'tf-box' && a.draft.category === category ? a.draft : null}
      onDraw={a.rights.canWrite ? (bounds) => a.setDraft({ type: 'tf-box', channelIndex: a.channelIndex, contact, category, ...bounds }) : undefined}
    />
  );
}

/** The contact's threads: its boxes on the shown category's map and notes on the contact as a whole. */
export function ContactThreads({ annotating: a, contact, category }: { annotating: Annotating; contact: string; category: string }) {
  return (
    <div className="stack">
      {a.rights.canWrite && !a.draft && (
        <div className="row">
          <span className="muted">Drag on the importance map to annotate a time-frequency box, or</span>
          <Button variant="secondary" onClick={() => a.setDraft({ type: 'contact', channelIndex: a.channelIndex, contact })}>
            Annotate the contact
          </Button>
        </div>
      )}
      <AnnotationThreads
        object={a.object}
        scope={a.scope}
        match={(anchor) => anchor?.type === 'contact' || (anchor?.type === 'tf-box' && anchor.category === category)}
        canWrite={a.rights.canWrite}
        draft={a.draft}
        onDraftDone={() => a.setDraft(null)}
        empty={`No annotations on ${contact} for ${category} yet.`}
      />
    </div>
  );
}
