import { generateIeegEpochs, type SyntheticEpochs } from '@/lib/synthetic';
import { analyzeContactTask, type ContactTask } from './signatures';

/** Compute that runs off the main thread. Each task reports progress as a fraction in [0, 1]. */
export interface ThreadTasks {
  synthesize: (input: { seed: number; trialsPerCategory: number }, progress: (fraction: number) => void) => SyntheticEpochs;
  signatureContact: (input: ContactTask, progress: (fraction: number) => void) => ReturnType<typeof analyzeContactTask>;
}

export const threadTasks: ThreadTasks = {
  synthesize: (input, progress) => generateIeegEpochs({ seed: input.seed, trialsPerCategory: input.trialsPerCategory }, progress),
  signatureContact: analyzeContactTask,
};
