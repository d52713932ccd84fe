import { z } from 'zod';
import { listAudit } from '@/server/services/audit';
import {
  createLab,
  createLabInput,
  deleteLab,
  getLab,
  listLabs,
  listMembers,
  removeMember,
  setMemberRole,
  setRoleInput,
  updateLab,
} from '@/server/services/labs';
import { labProcedure, protectedProcedure, router } from '@/server/trpc/init';

export const labsRouter = router({
  list: protectedProcedure.query(({ ctx }) => listLabs(ctx.runtime.db, ctx.user.id)),
  create: protectedProcedure.input(createLabInput).mutation(({ ctx, input }) => createLab(ctx.runtime.db, ctx.user.id, input)),
  get: labProcedure('viewer').query(async ({ ctx, input }) => ({ ...(await getLab(ctx.runtime.db, input.labId)), role: ctx.role })),
  update: labProcedure('owner')
    .input(createLabInput)
    .mutation(({ ctx, input }) => updateLab(ctx.runtime.db, ctx.user.id, input.labId, { name: input.name, description: input.description })),
  delete: labProcedure('owner').mutation(({ ctx, input }) => deleteLab(ctx.runtime.db, ctx.user.id, input.labId)),
  members: labProcedure('viewer').query(({ ctx, input }) => listMembers(ctx.runtime.db, input.labId)),
  setRole: labProcedure('owner')
    .input(setRoleInput)
    .mutation(({ ctx, input }) => setMemberRole(ctx.runtime.db, ctx.user.id, input.labId, input)),
  removeMember: labProcedure('owner')
    .input(z.object({ userId: z.string() }))
    .mutation(({ ctx, input }) => removeMember(ctx.runtime.db, ctx.user.id, input.labId, input.userId)),
  leave: labProcedure('viewer').mutation(({ ctx, input }) => removeMember(ctx.runtime.db, ctx.user.id, input.labId, ctx.user.id)),
  audit: labProcedure('viewer').query(({ ctx, input }) => listAudit(ctx.runtime.db, input.labId)),
});
