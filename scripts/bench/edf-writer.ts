import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';

/**
 * Writes a plain EDF of about `bytes` bytes: 64 channels at 512 Hz in 1 s records, 16-bit, a 10 Hz rhythm plus
 * noise per channel. Reuses the file when it already has the right size.
 */
export function writeSyntheticEdf(file: string, bytes: number, nChannels = 64, sfreq = 512): void {
  const recordBytes = nChannels * sfreq * 2;
  const nRecords = Math.max(1, Math.floor((bytes - 256 * (nChannels + 1)) / recordBytes));
  const headerBytes = 256 * (nChannels + 1);
  if (existsSync(file) && statSync(file).size === headerBytes + nRecords * recordBytes) return;
  const field = (value: string | number, width: number) => String(value).padEnd(width).slice(0, width);
  let header = field('0', 8) + field('X X X X', 80) + field('Startdate X X X X', 80) + field('01.01.20', 8) + field('00.00.00', 8);
  header += field(headerBytes, 8) + field('', 44) + field(nRecords, 8) + field(1, 8) + field(nChannels, 4);
  const perChannel = (values: (c: number) => string | number, width: number) => Array.from({ length: nChannels }, (_, c) => field(values(c), width)).join('');
  header += perChannel((c) => `EEG ${c + 1}`, 16) + perChannel(() => 'AgAgCl electrode', 80) + perChannel(() => 'uV', 8);
  header += perChannel(() => -3276.8, 8) + perChannel(() => 3276.7, 8) + perChannel(() => -32768, 8) + perChannel(() => 32767, 8);
  header += perChannel(() => '', 80) + perChannel(() => sfreq, 8) + perChannel(() => '', 32);
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, Buffer.from(header, 'latin1'));
    const record = new Int16Array(nChannels * sfreq);
    let seed = 12345;
    for (let r = 0; r < nRecords; r++) {
      for (let c = 0; c < nChannels; c++) {
        for (let i = 0; i < sfreq; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const t = (r * sfreq + i) / sfreq;
          record[c * sfreq + i] = Math.round(300 * Math.sin(2 * Math.PI * 10 * t + c) + ((seed >>> 16) % 200) - 100);
        }
      }
      writeSync(fd, new Uint8Array(record.buffer));
    }
  } finally {
    closeSync(fd);
  }
}
