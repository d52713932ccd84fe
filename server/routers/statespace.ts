import { z } from 'zod';
import { statespaceParams, synthesizeEegParams } from '@/lib/jobs';
import type { LivePoint } from '@/server/statespace/hub';
import {
  actionInput,
  addAction,
  closeSession,
  createSession,
  createSessionInput,
  cue,
  cueInput,
  deleteSession,
  dropAction,
  fitFromEvents,
  fitFromEventsInput,
  getSession,
  getStatespaceAnalysis,
  listSessions,
  listStatespaceAnalyses,
  liveSession,
  regenerateToken,
  renameAction,
  renameActionInput,
  replayInput,
  sessionInput,
  setReplay,
  startStatespaceAnalysis,
  synthesizeEeg,
  train,
  trainInput,
} from '@/server/services/statespace';
import { labProcedure, readProcedure, router } from '@/server/trpc/init';

/** Points go out in batches at most this far apart: 20 updates a second. */
const BATCH_MS = 50;
/** Without new points, stats still go out this often. */
const IDLE_MS = 500;

export const statespaceRouter = router({
  sessions: labProcedure('viewer').query(({ ctx, input }) => listSessions(ctx.runtime.db, input.labId)),
  session: labProcedure('viewer')
    .input(sessionInput)
    .query(({ ctx, input }) => getSession(ctx.runtime, input.labId, input.sessionId)),
  createSession: labProcedure('editor')
    .input(createSessionInput)
    .mutation(({ ctx, input }) => {
      const { labId, ...rest } = input;
      return createSession(ctx.runtime, ctx.user.id, labId, rest);
    }),
  regenerateToken: labProcedure('editor')
    .input(sessionInput)
    .mutation(({ ctx, input }) => regenerateToken(ctx.runtime, ctx.user.id, input.labId, input.sessionId)),
  replay: labProcedure('editor')
    .input(replayInput)
    .mutation(({ ctx, input }) => setReplay(ctx.runtime, input.labId, input)),
  cue: labProcedure('editor')
    .input(cueInput)
    .mutation(({ ctx, input }) => cue(ctx.runtime, input.labId, input)),
  train: labProcedure('editor')
    .input(trainInput)
    .mutation(({ ctx, input }) => train(ctx.runtime, input.labId, input)),
  fitFromEvents: labProcedure('editor')
    .input(fitFromEventsInput)
    .mutation(({ ctx, input }) => fitFromEvents(ctx.runtime, input.labId, input)),
  addAction: labProcedure('editor')
    .input(actionInput)
    .mutation(({ ctx, input }) => addAction(ctx.runtime, input.labId, input)),
  renameAction: labProcedure('editor')
    .input(renameActionInput)
    .mutation(({ ctx, input }) => renameAction(ctx.runtime, input.labId, input)),
  dropAction: labProcedure('editor')
    .input(actionInput)
    .mutation(({ ctx, input }) => dropAction(ctx.runtime, input.labId, input)),
  close: labProcedure('editor')
    .input(sessionInput)
    .mutation(({ ctx, input }) => closeSession(ctx.runtime, ctx.user.id, input.labId, input.sessionId)),
  delete: labProcedure('editor')
    .input(sessionInput)
    .mutation(({ ctx, input }) => deleteSession(ctx.runtime, ctx.user.id, input.labId, input.sessionId)),
  /**
   * The session's points and stats over SSE: first the recent trail, then every BATCH_MS the points that arrived
   * (stats alone every IDLE_MS when none did). `serverTime` lets a viewer judge how old a point is on arrival.
   */
  live: labProcedure('viewer')
    .input(sessionInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const session = await liveSession(ctx.runtime, input.labId, input.sessionId);
      const pending: LivePoint[] = [];
      const unsubscribe = session.subscribe((p) => pending.push(p));
      try {
        yield { points: session.recentPoints(), stats: session.stats(), serverTime: Date.now() };
        let last = Date.now();
        while (!signal?.aborted) {
          await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
          if (pending.length === 0 && Date.now() - last < IDLE_MS) continue;
          last = Date.now();
          yield { points: pending.splice(0), stats: session.stats(), serverTime: last };
        }
      } finally {
        unsubscribe();
      }
    }),
  analyses: labProcedure('viewer').query(({ ctx, input }) => listStatespaceAnalyses(ctx.runtime.db, input.labId)),
  analysis: readProcedure
    .input(z.object({ analysisId: z.string() }))
    .query(async ({ ctx, input }) => ({ ...(await getStatespaceAnalysis(ctx.runtime, input.labId, input.analysisId)), access: { role: ctx.role, via: ctx.via } })),
  synthesizeEeg: labProcedure('editor')
    .input(synthesizeEegParams)
    .mutation(({ ctx, input }) => {
      const { labId, ...params } = input;
      return synthesizeEeg(ctx.runtime, ctx.user.id, labId, params);
    }),
  startAnalysis: labProcedure('editor')
    .input(statespaceParams)
    .mutation(({ ctx, input }) => {
      const { labId, ...params } = input;
      return startStatespaceAnalysis(ctx.runtime, ctx.user.id, labId, params);
    }),
});
