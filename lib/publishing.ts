/** Addresses and citations of published analyses: /p/<slug>/v<version>, BibTeX and CITATION.cff. */

/** Lowercase letters and digits in runs joined by single hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SLUG_MAX = 60;

/** A slug from a title: accents dropped, anything else than a-z0-9 becomes one hyphen; 'analysis' when nothing is left. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, '');
  return slug || 'analysis';
}

export const publicationPath = (slug: string, version: number) => `/p/${slug}/v${version}`;

/** The version of a 'v3' path segment, or null for anything else ('v0', '3', 'v03'). */
export function versionOfSegment(segment: string): number | null {
  const m = /^v([1-9]\d{0,8})$/.exec(segment);
  return m ? Number(m[1]) : null;
}

export interface Citation {
  title: string;
  /** As the publisher typed them: 'Given Family' or 'Family, Given'. */
  authors: readonly string[];
  version: number;
  released: Date;
  url: string;
  /** Who published it (the lab). */
  publisher: string;
  slug: string;
  softwareVersion: string;
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** BibTeX special characters escaped; the title is braced again so its capitals survive bibliography styles. */
const texEscape = (s: string) =>
  s.replace(/[\\{}&%$#_~^]/g, (c) => ({ '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' })[c] ?? `\\${c}`);

export function bibtex(c: Citation): string {
  const fields: [string, string][] = [
    ['title', `{${texEscape(c.title)}}`],
    ['author', c.authors.map(texEscape).join(' and ')],
    ['year', String(c.released.getUTCFullYear())],
    ['month', String(c.released.getUTCMonth() + 1)],
    ['version', String(c.version)],
    ['publisher', texEscape(c.publisher)],
    ['howpublished', `\\url{${c.url}}`],
    ['url', c.url],
    ['note', texEscape(`Brainglass analysis snapshot, version ${c.version}, software ${c.softwareVersion}`)],
  ];
  const key = `${c.slug.replace(/-/g, '_')}_v${c.version}`;
  return `@misc{${key},\n${fields.map(([k, v]) => `  ${k} = {${v}},`).join('\n')}\n}\n`;
}

/** A CFF author: 'Family, Given' or 'Given … Family' as a person; a single word (a lab, a consortium) as an entity. */
function cffAuthor(author: string): Record<string, string> {
  const comma = author.indexOf(',');
  if (comma > 0) return { 'family-names': author.slice(0, comma).trim(), 'given-names': author.slice(comma + 1).trim() };
  const space = author.lastIndexOf(' ');
  if (space > 0) return { 'family-names': author.slice(space + 1), 'given-names': author.slice(0, space) };
  return { name: author };
}

/**
 * CITATION.cff (Citation File Format 1.2.0, whose root admits no other keys than its own: the publisher goes into the
 * abstract). Strings are JSON-quoted, which YAML reads as double-quoted scalars.
 */
export function citationCff(c: Citation): string {
  const q = (s: string) => JSON.stringify(s);
  // CFF needs at least one author: without any, the lab that published it.
  const authors = (c.authors.length ? c.authors.map(cffAuthor) : [{ name: c.publisher }]).map((a) =>
    Object.entries(a)
      .map(([k, v], i) => `${i === 0 ? '  - ' : '    '}${k}: ${q(v)}`)
      .join('\n'),
  );
  return [
    'cff-version: 1.2.0',
    `message: ${q('If you use these results, please cite them as below.')}`,
    'type: dataset',
    `title: ${q(c.title)}`,
    'authors:',
    ...authors,
    `version: ${q(`v${c.version}`)}`,
    `date-released: ${q(isoDate(c.released))}`,
    `url: ${q(c.url)}`,
    `abstract: ${q(`Analysis snapshot published by ${c.publisher} with Brainglass ${c.softwareVersion}.`)}`,
    '',
  ].join('\n');
}
