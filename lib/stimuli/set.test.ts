import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { memorySource } from '../formats/bytes';
import { makeZip } from '../formats/fixtures/make-bids';
import { StimulusSetError } from './mapping';
import { readStimulusSet, readStimulusZip, trialImages, type StimulusFile } from './set';
import { encodeImage, scene } from './test-images';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const csv = (body: string, name = 'stimuli.csv'): StimulusFile => ({ name, bytes: text(body) });

async function problemsOf(work: () => unknown): Promise<string[]> {
  try {
    await work();
  } catch (err) {
    if (err instanceof StimulusSetError) return err.problems.map((p) => p.message);
    throw err;
  }
  throw new Error('expected a StimulusSetError');
}

let png: Uint8Array;
let jpeg: Uint8Array;
beforeAll(async () => {
  png = await encodeImage(scene(30, 20), 30, 20, 'png');
  jpeg = await encodeImage(scene(40, 50), 40, 50, 'jpeg');
});

describe('stimulus set from named files', () => {
  it('decodes the images the mapping names and maps each label to one', async () => {
    const files = [
      { name: 'faces/face_01.png', bytes: png },
      { name: 'house.jpg', bytes: jpeg },
      { name: 'spare.png', bytes: png },
      { name: 'notes.txt', bytes: text('not a stimulus') },
    ];
    const set = await readStimulusSet(files, csv('file,label\nface_01.png,face_01\nhouse.jpg,house\n./house.jpg,house_again\n'));
    expect(set.images.map(({ file, format, width, height }) => ({ file, format, width, height }))).toEqual([
      { file: 'faces/face_01.png', format: 'png', width: 30, height: 20 },
      { file: 'house.jpg', format: 'jpeg', width: 40, height: 50 },
    ]);
    expect([...set.imageOf]).toEqual([
      ['face_01', 0],
      ['house', 1],
      ['house_again', 1],
    ]);
    expect(set.unused).toEqual(['spare.png']);

    expect(Array.from(trialImages(set, ['house', 'face_01', 'house_again', 'face_01']))).toEqual([1, 0, 1, 0]);
    expect(await problemsOf(() => trialImages(set, ['face_01', 'cat', 'house', 'dog']))).toEqual([
      'stimuli.csv: trial 1: expected a row with label "cat", found none',
      'stimuli.csv: trial 3: expected a row with label "dog", found none',
    ]);
  });

  it('matches trials by event code or by position', async () => {
    const files = [
      { name: 'a.png', bytes: png },
      { name: 'b.jpg', bytes: jpeg },
    ];
    const codes = await readStimulusSet(files, csv('file,event_code\na.png,1\nb.jpg,02\n'));
    expect(Array.from(trialImages(codes, [1, '2', '01', 2]))).toEqual([0, 1, 0, 1]);

    const byTrial = await readStimulusSet(files, csv('file,trial\na.png,0\nb.jpg,1\na.png,2\n'));
    expect(Array.from(trialImages(byTrial, ['x', 'y', 'z']))).toEqual([0, 1, 0]);
    expect(await problemsOf(() => trialImages(byTrial, ['x', 'y']))).toEqual([
      'stimuli.csv: line 4: expected a trial index below 2 (the number of trials), found 2',
    ]);
    expect(await problemsOf(() => trialImages(byTrial, ['x', 'y', 'z', 'w']))).toEqual([
      'stimuli.csv: trial 3: expected a row with trial "3", found none',
    ]);
  });

  it('reads a mapping saved as cp1252 by a spreadsheet', async () => {
    const latin1 = Uint8Array.from('file,label\nface.png,caf\xe9\n', (c) => c.charCodeAt(0));
    const set = await readStimulusSet([{ name: 'face.png', bytes: png }], { name: 'stimuli.csv', bytes: latin1 });
    expect([...set.imageOf.keys()]).toEqual(['café']);
  });

  it('says which rows name missing images and which images do not decode', async () => {
    const cut = jpeg.subarray(0, jpeg.length - 200);
    const webp = new Uint8Array(await sharp(scene(8, 8), { raw: { width: 8, height: 8, channels: 3 } }).webp().toBuffer());
    const files = [
      { name: 'Cat.PNG', bytes: png },
      { name: 'broken.png', bytes: text('not an image') },
      { name: 'cut.jpg', bytes: cut },
      { name: 'x.webp', bytes: webp },
    ];
    const mapping = csv('file,label\ncat.png,cat\ndog.png,dog\nbroken.png,broken\ncut.jpg,cut\nx.webp,x\n');
    expect(await problemsOf(() => readStimulusSet(files, mapping))).toEqual([
      'stimuli.csv: line 2: expected an image named "cat.png" in the uploaded files, found none (did you mean "Cat.PNG"?)',
      'stimuli.csv: line 3: expected an image named "dog.png" in the uploaded files, found none',
      'broken.png: named on stimuli.csv line 4: expected a PNG or JPEG image, found data that is neither (Input buffer contains unsupported image format)',
      expect.stringMatching(
        /^cut\.jpg: named on stimuli\.csv line 5: expected a complete JPEG image, found one that does not decode \((VipsJpeg: premature end of JPEG image|truncated or corrupt pixel data)\)$/,
      ),
      'x.webp: named on stimuli.csv line 6: expected a PNG or JPEG image, found WEBP',
    ]);
  });

  it('rejects duplicate and ambiguous names', async () => {
    const dup = [
      { name: 'a.png', bytes: png },
      { name: 'a.png', bytes: jpeg },
    ];
    expect(await problemsOf(() => readStimulusSet(dup, csv('file,label\na.png,a\n')))).toEqual([
      'the uploaded files: file "a.png": expected unique file names, found this name twice',
    ]);
    const twoFolders = [
      { name: 'x/a.png', bytes: png },
      { name: 'y/a.png', bytes: png },
    ];
    expect(await problemsOf(() => readStimulusSet(twoFolders, csv('file,label\na.png,a\ny/a.png,b\n')))).toEqual([
      'stimuli.csv: line 2: expected one image named "a.png" in the uploaded files, found 2 (x/a.png, y/a.png): give the path',
    ]);
  });
});

describe('stimulus set from a zip', () => {
  it('finds the mapping CSV in the zip and ignores archiver clutter', async () => {
    const zip = makeZip({
      'set/stimuli.csv': text('file,event_code\nface.png,5\nhouse.jpg,6\n'),
      'set/face.png': png,
      'set/house.jpg': jpeg,
      '__MACOSX/set/._face.png': text('resource fork'),
      'set/.DS_Store': text('finder'),
    });
    const set = await readStimulusZip(memorySource('stimuli.zip', zip));
    expect(set.mapping.csv).toBe('set/stimuli.csv');
    expect(set.images.map((i) => [i.file, i.width, i.height])).toEqual([
      ['set/face.png', 30, 20],
      ['set/house.jpg', 40, 50],
    ]);
    expect(Array.from(trialImages(set, [6, 5]))).toEqual([1, 0]);

    const separate = await readStimulusZip(memorySource('stimuli.zip', zip), csv('file,label\nset/house.jpg,house\n', 'mine.csv'));
    expect(separate.mapping.csv).toBe('mine.csv');
    expect(separate.unused).toEqual(['set/face.png']);
  });

  it('asks for exactly one mapping CSV', async () => {
    const none = makeZip({ 'a.png': png });
    expect(await problemsOf(() => readStimulusZip(memorySource('stimuli.zip', none)))).toEqual([
      'stimuli.zip: mapping CSV: expected one .csv file in the zip or a separate one, found none',
    ]);
    const two = makeZip({ 'a.csv': text('file,label\na.png,a\n'), 'b.CSV': text('file,label\na.png,a\n'), 'a.png': png });
    expect(await problemsOf(() => readStimulusZip(memorySource('stimuli.zip', two)))).toEqual([
      'stimuli.zip: mapping CSV: expected one .csv file in the zip or a separate one, found 2 (a.csv, b.CSV)',
    ]);
    const missing = makeZip({ 'stimuli.csv': text('file,label\nb.png,b\n'), 'a.png': png });
    expect(await problemsOf(() => readStimulusZip(memorySource('stimuli.zip', missing)))).toEqual([
      'stimuli.csv: line 2: expected an image named "b.png" in stimuli.zip, found none',
    ]);
  });
});
