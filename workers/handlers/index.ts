import type { JobKind } from '@/lib/jobs';
import type { JobContext } from '../context';
import { epochDataset } from './epoch';
import { ingestDataset } from './ingest';
import { signaturesAnalysis } from './signatures';
import { synthesizeDataset } from './synthesize';
import { statespaceAnalysis } from './statespace';
import { synthesizeEegDataset } from './synthesize-eeg';
import { rsaAnalysis } from './rsa';
import { synthesizeVisualDataset } from './synthesize-visual';

export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown> | void>;

export const handlers: Record<JobKind, JobHandler> & Record<string, JobHandler | undefined> = {
  'dataset.synthesize': synthesizeDataset,
  'dataset.ingest': ingestDataset,
  'dataset.epoch': epochDataset,
  'analysis.signatures': signaturesAnalysis,
  'dataset.synthesizeEeg': synthesizeEegDataset,
  'analysis.statespace': statespaceAnalysis,
  'dataset.synthesizeVisual': synthesizeVisualDataset,
  'analysis.rsa': rsaAnalysis,
};
