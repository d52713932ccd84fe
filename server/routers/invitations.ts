import { z } from 'zod';
import {
  acceptInvitation,
  createInvitation,
  createInvitationInput,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from '@/server/services/invitations';
import { labProcedure, protectedProcedure, router } from '@/server/trpc/init';

const tokenInput = z.object({ token: z.string().min(10, 'This invitation link is incomplete').max(200) });

export const invitationsRouter = router({
  create: labProcedure('owner')
    .input(createInvitationInput)
    .mutation(({ ctx, input }) => createInvitation(ctx.runtime.db, ctx.user.id, input.labId, input)),
  list: labProcedure('owner').query(({ ctx, input }) => listInvitations(ctx.runtime.db, input.labId)),
  revoke: labProcedure('owner')
    .input(z.object({ invitationId: z.string() }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.runtime.db, ctx.user.id, input.labId, input.invitationId)),
  preview: protectedProcedure.input(tokenInput).query(({ ctx, input }) => previewInvitation(ctx.runtime.db, input.token)),
  accept: protectedProcedure.input(tokenInput).mutation(({ ctx, input }) => acceptInvitation(ctx.runtime.db, ctx.user.id, input.token)),
});
