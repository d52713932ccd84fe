import { describe, expect, it } from 'vitest';
import { StimulusSetError, parseStimulusMapping } from './mapping';

function errorOf(text: string): StimulusSetError {
  try {
    parseStimulusMapping('stimuli.csv', text);
  } catch (err) {
    if (err instanceof StimulusSetError) return err;
    throw err;
  }
  throw new Error('expected a StimulusSetError');
}

describe('mapping CSV', () => {
  it('reads file and label columns with quotes, CRLF, a byte-order mark and blank lines', () => {
    const text = '\uFEFFLabel, File\r\nface_01 , faces/face_01.png\r\n\r\n"house, 2","house, front.jpg"\r\n"say ""hi""",hi.png\r\n';
    const m = parseStimulusMapping('stimuli.csv', text);
    expect(m.key).toBe('label');
    expect(m.rows).toEqual([
      { line: 2, file: 'faces/face_01.png', key: 'face_01' },
      { line: 4, file: 'house, front.jpg', key: 'house, 2' },
      { line: 5, file: 'hi.png', key: 'say "hi"' },
    ]);
  });

  it('reads event codes and trial indices as integers, counting lines inside quoted cells', () => {
    const codes = parseStimulusMapping('codes.csv', 'file,event_code\na.png,007\n"b\nc.png",12\n');
    expect(codes.key).toBe('event_code');
    expect(codes.rows).toEqual([
      { line: 2, file: 'a.png', key: '7' },
      { line: 3, file: 'b\nc.png', key: '12' },
    ]);
    const trials = parseStimulusMapping('trials.csv', 'trial,file\n0,a.png\n1,a.png\n2,b.png');
    expect(trials.rows.map((r) => [r.key, r.file])).toEqual([
      ['0', 'a.png'],
      ['1', 'a.png'],
      ['2', 'b.png'],
    ]);
  });

  it('says what is wrong with a header', () => {
    expect(errorOf('').message).toBe("stimuli.csv: line 1 (header): expected a header 'file,<event_code|label|trial>', found an empty file");
    expect(errorOf('file,label,category\na.png,x,face\n').message).toBe(
      'stimuli.csv: line 1 (header): expected only the columns file, event_code, label, trial, found unknown "category"',
    );
    expect(errorOf('file;label\na.png;x\n').message).toBe('stimuli.csv: line 1 (header): expected comma-separated column names, found "file;label" (semicolons or tabs?)');
    expect(errorOf('file,label,File\n').message).toBe("stimuli.csv: line 1 (header): expected each column once, found 'file' twice");
    expect(errorOf('label,trial\nx,1\n').message).toBe('stimuli.csv: line 1 (header): expected a column \'file\', found "label", "trial"');
    expect(errorOf('file\na.png\n').message).toBe('stimuli.csv: line 1 (header): expected one of the columns event_code, label, trial, found none');
    expect(errorOf('file,label,trial\na.png,x,1\n').message).toBe('stimuli.csv: line 1 (header): expected one of the columns event_code, label, trial, found label and trial');
    expect(errorOf('file,label\n').message).toBe('stimuli.csv: line 1 (header): expected at least one row after the header, found none');
  });

  it('lists every bad row with its line', () => {
    const err = errorOf('file,event_code\na.png,1\nb.png\nc.png,x\nd.png,-2\ne.png,1\n,3\nf.png,\n');
    expect(err.problems.map((p) => p.message)).toEqual([
      'stimuli.csv: line 3: expected 2 comma-separated cells (as the header), found 1',
      'stimuli.csv: line 4, column \'event_code\': expected an integer, found "x"',
      "stimuli.csv: line 5, column 'event_code': expected an integer of 0 or more, found -2",
      'stimuli.csv: line 6: expected each event_code once, found event_code "1" again (first on line 2, for "a.png")',
      "stimuli.csv: line 7: expected an image file name in column 'file', found an empty cell",
      "stimuli.csv: line 8: expected a value in column 'event_code', found an empty cell",
    ]);
    expect(err.message.split('\n')).toHaveLength(6);
  });

  it('names the line where a quote was left open', () => {
    expect(errorOf('file,label\na.png,x\n"b.png,y\nc.png,z\n').message).toBe('stimuli.csv: line 3: expected a closing double quote, found the end of the file');
  });
});
