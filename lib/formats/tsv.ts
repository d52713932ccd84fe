/** Tab-separated tables (BIDS sidecars): every error names the file, the line and the column. */
import { FormatError } from './types';
import { parseNumber, shown } from './bytes';

export interface TsvRow {
  line: number;
  cells: string[];
}

export class Tsv {
  readonly header: string[];
  readonly rows: TsvRow[] = [];

  constructor(
    readonly file: string,
    text: string,
  ) {
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    if (lines.length === 0) throw new FormatError(file, 'line 1', 'expected a header row of tab-separated column names, found an empty file');
    this.header = lines[0].split('\t').map((h) => h.trim());
    lines.slice(1).forEach((l, i) => {
      const cells = l.split('\t').map((c) => c.trim());
      if (cells.length !== this.header.length) {
        throw new FormatError(file, `line ${i + 2}`, `expected ${this.header.length} tab-separated columns (as the header), found ${cells.length}`);
      }
      this.rows.push({ line: i + 2, cells });
    });
  }

  /** Index of a column, -1 when absent; a required one that is absent is a FormatError. */
  column(name: string, required = false): number {
    const i = this.header.indexOf(name);
    if (i < 0 && required) throw new FormatError(this.file, 'line 1 (header)', `expected a column '${name}', found ${this.header.map((h) => `'${h}'`).join(', ')}`);
    return i;
  }

  where(row: TsvRow, col: number): string {
    return `line ${row.line}, column ${col + 1} ('${this.header[col]}')`;
  }

  /** A cell's value, undefined for an absent column or 'n/a'. */
  get(row: TsvRow, col: number): string | undefined {
    if (col < 0) return undefined;
    const v = row.cells[col];
    return v === 'n/a' || v === '' ? undefined : v;
  }

  number(row: TsvRow, col: number): number | undefined {
    const v = this.get(row, col);
    return v === undefined ? undefined : parseNumber(this.file, this.where(row, col), v);
  }
}

export interface ElectrodeRow {
  /** Index of the channel in the recording. */
  index: number;
  /** mm, when x, y and z are all given. */
  position?: [number, number, number];
  group?: string;
  location?: string;
}

/**
 * An electrodes table (BIDS *_electrodes.tsv: name, x, y, z[, group, location]) matched to a recording's channels.
 * A row naming a channel the recording lacks is an error that names its line; `toMm` converts the units.
 */
export function readElectrodesTsv(file: string, text: string, chNames: readonly string[], recording: string, toMm = 1): ElectrodeRow[] {
  const tsv = new Tsv(file, text);
  const nameCol = tsv.column('name', true);
  const xyz = [tsv.column('x', true), tsv.column('y', true), tsv.column('z', true)];
  const groupCol = tsv.column('group');
  const locationCol = tsv.column('location');
  return tsv.rows.map((row) => {
    const name = row.cells[nameCol];
    const index = chNames.indexOf(name);
    if (index < 0) {
      const list = chNames.length > 8 ? `${chNames.slice(0, 8).join(', ')}, …` : chNames.join(', ');
      throw new FormatError(file, tsv.where(row, nameCol), `expected a channel of ${recording} (${chNames.length} channels: ${list}), found ${shown(name)}`);
    }
    const p = xyz.map((c) => tsv.number(row, c));
    return {
      index,
      position: p.every((v) => v !== undefined) ? ((p as number[]).map((v) => v * toMm) as [number, number, number]) : undefined,
      group: tsv.get(row, groupCol),
      location: tsv.get(row, locationCol),
    };
  });
}
