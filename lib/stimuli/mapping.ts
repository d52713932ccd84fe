/**
 * The mapping CSV of a stimulus set: which image each trial showed.
 *
 * Format (UTF-8, a byte-order mark is ignored; LF or CRLF line ends; blank lines are skipped):
 *
 *     file,label
 *     faces/face_01.png,face_01
 *     "house, front.jpg",house_07
 *
 * - The first line is the header. Column names are matched case-insensitively, in any order.
 * - Columns: `file`, and exactly one key column:
 *   - `event_code`: the integer trigger code (0 or more) of the trials that showed the image;
 *   - `label`: the trials' label (epoch label, annotation description);
 *   - `trial`: the index of one trial (epoch), counting from 0 as in MNE's `epochs[i]`; an image shown in
 *     several trials has one row per trial.
 *   Any other column is an error.
 * - Cells are separated by commas. A cell may be quoted with double quotes (then it may hold commas, line
 *   breaks and "" for one quote); unquoted cells are trimmed.
 * - `file` is the image's path in the zip or its name in the uploaded list; a bare name also matches a file
 *   in a folder when no other file has that name (see set.ts).
 * - Each key value appears on one row only; several key values may share an image.
 */
import { parseInteger, shown } from '../formats/bytes';
import { FormatError } from '../formats/types';

export const KEY_COLUMNS = ['event_code', 'label', 'trial'] as const;
export type StimulusKey = (typeof KEY_COLUMNS)[number];

export interface MappingRow {
  /** Line of the CSV where the row starts (the header is line 1). */
  line: number;
  file: string;
  /** The event code, label or trial index as text (codes and indices without leading zeros or sign). */
  key: string;
}

export interface StimulusMapping {
  /** Name of the CSV file, used in every error message. */
  csv: string;
  key: StimulusKey;
  rows: MappingRow[];
}

/** Every problem found in a stimulus set (the message lists the first ones, one per line). */
export class StimulusSetError extends Error {
  constructor(readonly problems: FormatError[]) {
    const MAX_SHOWN = 20;
    const lines = problems.slice(0, MAX_SHOWN).map((p) => p.message);
    if (problems.length > MAX_SHOWN) lines.push(`… and ${problems.length - MAX_SHOWN} more problems`);
    super(lines.join('\n'));
    this.name = 'StimulusSetError';
  }
}

interface CsvRecord {
  line: number;
  cells: string[];
}

/** RFC 4180 records; a quote left open is a FormatError naming the line where it opened. */
function parseCsv(file: string, text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  const endCell = (): void => {
    cells.push(quoted ? cell : cell.trim());
    cell = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endCell();
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
  };
  const s = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (inQuotes) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      inQuotes = true;
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === ',') endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (!(quoted && (ch === ' ' || ch === '\t'))) cell += ch;
  }
  if (inQuotes) throw new FormatError(file, `line ${quoteLine}`, 'expected a closing double quote, found the end of the file');
  endRecord();
  return records;
}

/** Parses and checks a mapping CSV; throws a StimulusSetError listing every problem with its line. */
export function parseStimulusMapping(csv: string, text: string): StimulusMapping {
  let records: CsvRecord[];
  try {
    records = parseCsv(csv, text);
  } catch (err) {
    throw err instanceof FormatError ? new StimulusSetError([err]) : err;
  }
  const headerProblem = (problem: string): StimulusSetError => new StimulusSetError([new FormatError(csv, 'line 1 (header)', problem)]);
  if (records.length === 0) throw headerProblem(`expected a header 'file,<${KEY_COLUMNS.join('|')}>', found an empty file`);
  const header = records[0];
  const names = header.cells.map((c) => c.toLowerCase());
  if (names.length === 1 && /[;\t]/.test(names[0])) {
    throw headerProblem(`expected comma-separated column names, found ${shown(header.cells[0])} (semicolons or tabs?)`);
  }
  const allowed = new Set<string>(['file', ...KEY_COLUMNS]);
  const unknown = header.cells.filter((_, i) => !allowed.has(names[i]));
  if (unknown.length > 0) {
    throw headerProblem(`expected only the columns file, ${KEY_COLUMNS.join(', ')}, found unknown ${unknown.map(shown).join(', ')}`);
  }
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) throw headerProblem(`expected each column once, found '${repeated[0]}' twice`);
  const fileCol = names.indexOf('file');
  if (fileCol < 0) throw headerProblem(`expected a column 'file', found ${header.cells.map(shown).join(', ')}`);
  const keys = KEY_COLUMNS.filter((k) => names.includes(k));
  if (keys.length !== 1) {
    throw headerProblem(
      keys.length === 0
        ? `expected one of the columns ${KEY_COLUMNS.join(', ')}, found none`
        : `expected one of the columns ${KEY_COLUMNS.join(', ')}, found ${keys.join(' and ')}`,
    );
  }
  const key = keys[0];
  const keyCol = names.indexOf(key);

  const problems: FormatError[] = [];
  const rows: MappingRow[] = [];
  const firstLine = new Map<string, MappingRow>();
  for (const rec of records.slice(1)) {
    const at = `line ${rec.line}`;
    if (rec.cells.length !== names.length) {
      problems.push(new FormatError(csv, at, `expected ${names.length} comma-separated cells (as the header), found ${rec.cells.length}`));
      continue;
    }
    const file = rec.cells[fileCol];
    let value = rec.cells[keyCol];
    if (file === '') problems.push(new FormatError(csv, at, "expected an image file name in column 'file', found an empty cell"));
    if (value === '') {
      problems.push(new FormatError(csv, at, `expected a value in column '${key}', found an empty cell`));
      continue;
    }
    if (key !== 'label') {
      try {
        const n = parseInteger(csv, `${at}, column '${key}'`, value);
        if (n < 0) throw new FormatError(csv, `${at}, column '${key}'`, `expected an integer of 0 or more, found ${n}`);
        value = String(n);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        problems.push(err);
        continue;
      }
    }
    const before = firstLine.get(value);
    if (before) {
      problems.push(new FormatError(csv, at, `expected each ${key} once, found ${key} ${shown(value)} again (first on line ${before.line}, for ${shown(before.file)})`));
      continue;
    }
    if (file === '') continue;
    const row = { line: rec.line, file, key: value };
    firstLine.set(value, row);
    rows.push(row);
  }
  if (problems.length > 0) throw new StimulusSetError(problems);
  if (rows.length === 0) throw headerProblem('expected at least one row after the header, found none');
  return { csv, key, rows };
}
