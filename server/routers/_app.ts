import { router } from '@/server/trpc/init';
import { accountRouter } from './account';
import { analysesRouter } from './analyses';
import { datasetsRouter } from './datasets';
import { invitationsRouter } from './invitations';
import { jobsRouter } from './jobs';
import { labsRouter } from './labs';
import { statespaceRouter } from './statespace';
import { rsaRouter } from './rsa';
import { sharingRouter } from './sharing';
import { inboxRouter } from './inbox';
import { catalogueRouter } from './catalogue';
import { annotationsRouter } from './annotations';
import { publishingRouter } from './publishing';

export const appRouter = router({
  account: accountRouter,
  labs: labsRouter,
  invitations: invitationsRouter,
  datasets: datasetsRouter,
  jobs: jobsRouter,
  analyses: analysesRouter,
  statespace: statespaceRouter,
  rsa: rsaRouter,
  sharing: sharingRouter,
  inbox: inboxRouter,
  catalogue: catalogueRouter,
  annotations: annotationsRouter,
  publishing: publishingRouter,
});

export type AppRouter = typeof appRouter;
