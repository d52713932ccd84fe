/** Server-rendered parts of a published analysis (/p/<slug>/v<N>): header, result, tables, provenance, citation, tombstone. */
import Link from 'next/link';
import { Fragment } from 'react';
import { AlignmentTable, Heatmaps } from '@/app/labs/[labId]/analyses/[analysisId]/rsa-view';
import { bibtex, publicationPath } from '@/lib/publishing';
import { isoDay } from '@/server/published';
import { citationOf, publishedContactMaps, type PublicationView, type PublishedSnapshot, type RsaSnapshot, type SignaturesSnapshot } from '@/server/services/publishing';
import type { BlobStore } from '@/server/storage/blobs';
import { ContactResultCells, ContactsTable, RsaContactsCard } from '../contact-tables';
import { Card } from '../ui';
import { PublishedSignatures } from './published-signatures';

type Versions = PublicationView['versions'];

/** "v3 is newer" when a later version is still published. */
function NewerVersion({ slug, version, versions }: { slug: string; version: number; versions: Versions }) {
  const newest = versions.filter((v) => v.live).at(-1);
  if (!newest || newest.version <= version) return null;
  return (
    <p data-testid="newer-version">
      <Link href={publicationPath(slug, newest.version)}>v{newest.version} is newer</Link> ({isoDay(newest.publishedAt)}: {newest.title}).
    </p>
  );
}

export function PublicationHeader({ snapshot: s, versions }: { snapshot: PublishedSnapshot; versions: Versions }) {
  return (
    <div className="page-header">
      <div>
        <h1 data-testid="published-title">{s.title}</h1>
        <p className="subtitle">{s.authors.join(', ')}</p>
        <p className="subtitle" data-testid="published-version">
          Version {s.version} (v{s.version}) · published {isoDay(s.publishedAt)} by {s.lab.name} · {s.kind === 'rsa' ? 'Level 2 RSA' : 'Level 1 signatures'} ·
          software {s.softwareVersion}
        </p>
        <NewerVersion slug={s.slug} version={s.version} versions={versions} />
      </div>
    </div>
  );
}

export function Tombstone({ view }: { view: Extract<PublicationView, { state: 'unpublished' }> }) {
  const live = view.versions.filter((v) => v.live);
  return (
    <div className="auth-card card" data-testid="tombstone">
      <h1>Unpublished</h1>
      <p>
        Version {view.version} of <span className="mono">{publicationPath(view.slug, view.version)}</span>, published {isoDay(view.publishedAt)}, was unpublished on{' '}
        {isoDay(view.unpublishedAt)}.
      </p>
      {view.reason && <p>Reason: {view.reason}</p>}
      {live.length > 0 && (
        <p>
          Still published:{' '}
          {live.map((v) => (
            <Link key={v.version} href={publicationPath(view.slug, v.version)} style={{ marginRight: '0.5rem' }}>
              v{v.version}
            </Link>
          ))}
        </p>
      )}
    </div>
  );
}

/** The interactive views of the result: for Level 1 the brain and the maps, for RSA the alignment tables and matrices. */
export async function PublishedViews({ snapshot, blobs }: { snapshot: PublishedSnapshot; blobs: BlobStore }) {
  if (snapshot.kind === 'rsa') {
    return (
      <>
        <Card title="Alignment of the ventral stream with the network's depth">
          <div className="row">
            {(['trained', 'random'] as const).map((net) => (
              <AlignmentTable key={net} summary={snapshot.summary} network={net} />
            ))}
          </div>
        </Card>
        <Heatmaps summary={snapshot.summary} layerLabels={snapshot.layerLabels} />
      </>
    );
  }
  const { summary, contacts } = snapshot;
  // Open on the first predictive contact, else the first one.
  const first = contacts.find((c) => c.predictive?.some(Boolean)) ?? contacts[0];
  return (
    <Card title="Whole brain and maps">
      <PublishedSignatures
        base={publicationPath(snapshot.slug, snapshot.version)}
        summary={{ categories: summary.categories, freqs: summary.freqs, binTimes: summary.binTimes }}
        contacts={contacts.map(({ channelIndex, name, region, x, y, z, f1, predictive }) => ({ channelIndex, name, region, x, y, z, f1, predictive }))}
        initial={first ? await publishedContactMaps(blobs, snapshot, first.channelIndex) : null}
      />
    </Card>
  );
}

export function PublishedResult({ snapshot }: { snapshot: PublishedSnapshot }) {
  return snapshot.kind === 'rsa' ? <RsaResult snapshot={snapshot} /> : <SignaturesResult snapshot={snapshot} />;
}

function SignaturesResult({ snapshot: { summary: s, contacts } }: { snapshot: SignaturesSnapshot }) {
  return (
    <>
      <Card title="Result">
        <p>
          A contact is predictive of a category when its cross-validated F1 exceeds <strong>{s.threshold.toFixed(3)}</strong> (p = {s.nullP} of {s.nullValues} F1
          values on shuffled labels); {s.nResponsive} of {contacts.length} contacts are responsive.
        </p>
        <table aria-label="Predictive contacts">
          <thead>
            <tr>
              <th>Category</th>
              <th>Predictive contacts</th>
            </tr>
          </thead>
          <tbody>
            {s.categories.map((c) => (
              <tr key={c}>
                <td>{c}</td>
                <td>{s.predictive[c]?.join(', ') || <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={`Contacts (${contacts.length})`}>
        <ContactsTable categoryHeaders={s.categories.map((c) => <th key={c}>F1 {c}</th>)}>
          {contacts.map((c) => (
            <tr key={c.channelIndex}>
              <td>{c.name}</td>
              <ContactResultCells contact={c} />
            </tr>
          ))}
        </ContactsTable>
      </Card>
    </>
  );
}

function RsaResult({ snapshot: { summary: s, contacts, layerLabels } }: { snapshot: RsaSnapshot }) {
  return <RsaContactsCard bands={s.bands} contacts={contacts} layerLabels={layerLabels} pInline />;
}

/** Everything needed to reproduce the result: parameters, software, the dataset and its checksums. */
export function Provenance({ snapshot: s }: { snapshot: PublishedSnapshot }) {
  return (
    <Card title="Provenance">
      <dl className="mono" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '0.2rem 1rem', overflowWrap: 'anywhere' }}>
        <dt>Analysis</dt>
        <dd>{s.analysis.name}</dd>
        <dt>Software</dt>
        <dd>
          {s.softwareVersion} (published with {s.publishedWith})
        </dd>
        <dt>Dataset</dt>
        <dd>
          {s.dataset.name}: {s.dataset.modality}, {s.dataset.nChannels} channels, {s.dataset.nEpochs} epochs, {s.dataset.sfreq} Hz
        </dd>
        {Object.entries(s.parameters).map(([k, v]) => (
          <Fragment key={`p-${k}`}>
            <dt>{k}</dt>
            <dd>{JSON.stringify(v)}</dd>
          </Fragment>
        ))}
        {Object.entries(s.inputChecksums).map(([k, v]) => (
          <Fragment key={`i-${k}`}>
            <dt>input {k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
        {s.dataset.files.map((f) => (
          <Fragment key={`f-${f.name}`}>
            <dt>file {f.name}</dt>
            <dd>
              sha256:{f.sha256} ({f.size.toLocaleString('en')} bytes)
            </dd>
          </Fragment>
        ))}
      </dl>
    </Card>
  );
}

export function CitationCard({ snapshot, origin }: { snapshot: PublishedSnapshot; origin: string }) {
  const path = publicationPath(snapshot.slug, snapshot.version);
  const embed = `<iframe src="${origin}${path}/embed" width="960" height="900" style="border:0" title="${snapshot.title.replace(/"/g, '&quot;')}"></iframe>`;
  return (
    <Card title="Cite and download">
      <pre data-testid="citation-bibtex" style={{ whiteSpace: 'pre-wrap' }}>
        {bibtex(citationOf(snapshot, `${origin}${path}`))}
      </pre>
      <p>
        <a href={`${path}/citation.bib`}>citation.bib</a> · <a href={`${path}/CITATION.cff`}>CITATION.cff</a> · <a href={`${path}/bundle.zip`}>bundle.zip</a> (metadata,
        tables, NPY arrays{snapshot.kind === 'signatures' ? ', ONNX decoders' : ''}) · <a href={`${path}/metadata.json`}>metadata.json</a>
      </p>
      <p className="muted">Embed in a paper&apos;s page or a lab site:</p>
      <pre style={{ whiteSpace: 'pre-wrap' }}>{embed}</pre>
    </Card>
  );
}
