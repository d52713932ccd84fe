'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { Button, ErrorMessage, Field, Input, Select } from '../ui';

export type CatalogueSource = { type: 'cluster'; category: string; clusterId: number } | { type: 'contact'; category: string; channelIndex: number };

/** Tags as typed, comma-separated; the server trims, lower-cases and drops repeats. */
export const parseTags = (text: string) => text.split(',').filter((t) => t.trim().length > 0);

/**
 * Adds a cluster's prototype or a contact's signature to a lab's signature catalogue. Any lab where the user is an
 * editor can take it (the analysis may be another lab's, shared with them); shown only to such users, and the
 * server checks the same (server/routers/catalogue.ts).
 */
export function AddToCatalogue({ analysisLabId, analysisId, source, defaultName }: { analysisLabId: string; analysisId: string; source: CatalogueSource; defaultName: string }) {
  const trpc = useTRPC();
  // Reviewers without an account get an error here: they see no button.
  const labs = useQuery({ ...trpc.labs.list.queryOptions(), retry: false });
  const promote = useMutation(trpc.catalogue.promote.mutationOptions());
  const [open, setOpen] = useState(false);
  const editorLabs = (labs.data ?? []).filter((l) => l.role !== 'viewer');
  const [chosenLab, setChosenLab] = useState<string | null>(null);
  if (!editorLabs.length) return null;
  const labId = chosenLab ?? (editorLabs.some((l) => l.id === analysisLabId) ? analysisLabId : editorLabs[0]!.id);

  if (promote.data) {
    return (
      <p role="status">
        Added to the catalogue of {editorLabs.find((l) => l.id === promote.variables.labId)?.name}:{' '}
        <Link href={`/labs/${promote.variables.labId}/catalogue?entry=${promote.data.entryId}`}>open the entry</Link>
      </p>
    );
  }
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Add to catalogue
      </Button>
    );
  }
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    promote.mutate({
      labId,
      analysisLabId,
      analysisId,
      source,
      name: String(form.get('name') ?? ''),
      description: String(form.get('description') ?? ''),
      tags: parseTags(String(form.get('tags') ?? '')),
    });
  };
  return (
    <form onSubmit={submit} aria-label="Add to catalogue">
      <Field label="Name">
        <Input name="name" required defaultValue={defaultName} maxLength={200} />
      </Field>
      <Field label="Description">
        <Input name="description" maxLength={5000} placeholder="e.g. broadband gamma increase 100-350 ms" />
      </Field>
      <Field label="Tags" hint="Comma-separated, e.g. face, gamma, BA37">
        <Input name="tags" defaultValue={source.category} />
      </Field>
      {editorLabs.length > 1 && (
        <Field label="Catalogue of">
          <Select value={labId} onChange={(e) => setChosenLab(e.target.value)}>
            {editorLabs.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </Select>
        </Field>
      )}
      <div className="row">
        <Button type="submit" disabled={promote.isPending}>
          Add
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
      <ErrorMessage error={promote.error} />
    </form>
  );
}
