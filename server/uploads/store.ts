import { FileStore } from '@tus/file-store';

// One store per folder and process: tus keeps upload state in files beside the data.
const stores = (globalThis as unknown as { __brainglassUploadStores?: Map<string, FileStore> }).__brainglassUploadStores ?? new Map();
(globalThis as unknown as { __brainglassUploadStores: Map<string, FileStore> }).__brainglassUploadStores = stores;

export function uploadStore(directory: string): FileStore {
  let store = stores.get(directory);
  if (!store) {
    store = new FileStore({ directory });
    stores.set(directory, store);
  }
  return store;
}
