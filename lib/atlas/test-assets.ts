/** Test-only: where the shared assets live (env BRAINGLASS_ASSETS, else ../shared/assets from the cwd). */
import path from 'node:path';

export const ASSETS = process.env.BRAINGLASS_ASSETS ?? path.resolve(process.cwd(), '..', 'shared', 'assets');
export const asset = (...parts: string[]) => path.join(ASSETS, ...parts);
/** Recordings sit next to the assets (../shared/data/recordings). */
export const recording = (name: string) => path.join(ASSETS, '..', 'data', 'recordings', name);
