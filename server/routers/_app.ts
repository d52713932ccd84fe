import { router } from '@/server/trpc/init';
import { accountRouter } from './account';
import { datasetsRouter } from './datasets';
import { invitationsRouter } from './invitations';
import { jobsRouter } from './jobs';
import { labsRouter } from './labs';

export const appRouter = router({
  account: accountRouter,
  labs: labsRouter,
  invitations: invitationsRouter,
  datasets: datasetsRouter,
  jobs: jobsRouter,
});

export type AppRouter = typeof appRouter;
