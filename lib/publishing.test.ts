import { describe, expect, it } from 'vitest';
import { bibtex, citationCff, SLUG_PATTERN, slugOf, versionOfSegment, type Citation } from './publishing';

describe('slugOf', () => {
  it('keeps a-z0-9 in runs joined by single hyphens, drops accents, never empty', () => {
    expect(slugOf('Face & House signatures — Patient 3 (2024)')).toBe('face-house-signatures-patient-3-2024');
    expect(slugOf('Réponses à l’été')).toBe('reponses-a-l-ete');
    expect(slugOf('---')).toBe('analysis');
    expect(slugOf('x'.repeat(100))).toHaveLength(60);
    for (const t of ['  A  b ', 'ÆØÅ', '-a-', 'a'.repeat(59) + ' b']) expect(slugOf(t)).toMatch(SLUG_PATTERN);
  });
});

describe('versionOfSegment', () => {
  it('reads v1, v12 and refuses anything else', () => {
    expect(versionOfSegment('v1')).toBe(1);
    expect(versionOfSegment('v12')).toBe(12);
    for (const bad of ['v0', '1', 'v01', 'v', 'v1.json', 'V1', 'v9999999999']) expect(versionOfSegment(bad)).toBeNull();
  });
});

const citation: Citation = {
  title: 'Faces in {BA37} & 100% of VTC',
  authors: ['Ada Lovelace', 'Curie, Marie', 'Consortium'],
  version: 2,
  released: new Date('2025-03-04T10:00:00Z'),
  url: 'https://example.org/p/faces/v2',
  publisher: 'Vision Lab',
  slug: 'faces',
  softwareVersion: '0.1.0+abc',
};

describe('bibtex', () => {
  it('writes a @misc entry with escaped, braced title and authors joined by "and"', () => {
    expect(bibtex(citation)).toBe(
      [
        '@misc{faces_v2,',
        '  title = {{Faces in \\{BA37\\} \\& 100\\% of VTC}},',
        '  author = {Ada Lovelace and Curie, Marie and Consortium},',
        '  year = {2025},',
        '  month = {3},',
        '  version = {2},',
        '  publisher = {Vision Lab},',
        '  howpublished = {\\url{https://example.org/p/faces/v2}},',
        '  url = {https://example.org/p/faces/v2},',
        '  note = {Brainglass analysis snapshot, version 2, software 0.1.0+abc},',
        '}',
        '',
      ].join('\n'),
    );
  });
});

describe('citationCff', () => {
  it('writes CFF 1.2.0 with persons split into family and given names, and single names as entities', () => {
    expect(citationCff(citation)).toBe(
      [
        'cff-version: 1.2.0',
        'message: "If you use these results, please cite them as below."',
        'type: dataset',
        'title: "Faces in {BA37} & 100% of VTC"',
        'authors:',
        '  - family-names: "Lovelace"',
        '    given-names: "Ada"',
        '  - family-names: "Curie"',
        '    given-names: "Marie"',
        '  - name: "Consortium"',
        'version: "v2"',
        'date-released: "2025-03-04"',
        'url: "https://example.org/p/faces/v2"',
        'abstract: "Analysis snapshot published by Vision Lab with Brainglass 0.1.0+abc."',
        '',
      ].join('\n'),
    );
  });

  it('names the publishing lab when there are no authors (CFF needs at least one)', () => {
    expect(citationCff({ ...citation, authors: [] })).toContain('authors:\n  - name: "Vision Lab"\nversion:');
  });
});
