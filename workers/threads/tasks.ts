import { generateIeegEpochs, type SyntheticEpochs } from '@/lib/synthetic';

/** Compute that runs off the main thread. Each task reports progress as a fraction in [0, 1]. */
export interface ThreadTasks {
  synthesize: (input: { seed: number; trialsPerCategory: number }, progress: (fraction: number) => void) => SyntheticEpochs;
}

export const threadTasks: ThreadTasks = {
  synthesize: (input, progress) => generateIeegEpochs({ seed: input.seed, trialsPerCategory: input.trialsPerCategory }, progress),
};
