/**
 * tRPC in one place, in order: context -> init -> reusable procedures. Each procedure states what it may assume:
 * `protectedProcedure` a signed-in user, `labProcedure(role)` a member of the lab in `input.labId` with at least
 * that role, `objectProcedure(role)` a signed-in user with that role on the dataset or analysis the input names
 * (as a member, or through a share with their lab), `readProcedure` anyone who may read that object, reviewers
 * with a link included. Authorisation happens here (rules: server/authz.ts access()), never in handlers.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { LabRole } from '@/db/schema';
import { access, requireRole, type ReviewGrant } from '@/server/authz';
import type { Runtime } from '@/server/runtime';

export interface SessionUser {
  id: string;
  name?: string | null;
  email?: string | null;
}

export interface Context {
  runtime: Runtime;
  user: SessionUser | null;
  /** The review link the request's cookie opens, if any (server/services/sharing.ts). */
  review: ReviewGrant | null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // A readable message ("name: A lab name needs at least 2 characters") instead of a JSON dump of issues.
      message: zodError ? zodError.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ') : shape.message,
      data: { ...shape.data, zodError: zodError ? z.flattenError(zodError) : null },
    };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const labInput = z.object({ labId: z.string().min(1) });

export const labProcedure = (needed: LabRole) =>
  protectedProcedure.input(labInput).use(async ({ ctx, input, next }) => {
    const role = await requireRole(ctx.runtime.db, input.labId, ctx.user.id, needed);
    return next({ ctx: { ...ctx, role } });
  });

/** For what another lab may do with a shared object: members, and members of labs it is shared with. */
export const objectProcedure = (needed: LabRole) =>
  protectedProcedure.input(labInput).use(async ({ ctx, input, getRawInput, next }) => {
    const granted = await access(ctx.runtime.db, { userId: ctx.user.id, review: null }, input.labId, await getRawInput(), needed);
    return next({ ctx: { ...ctx, role: granted.role, via: granted.via } });
  });

/** For read-only views of an object: members, labs it is shared with, and reviewers holding a link (no account). */
export const readProcedure = publicProcedure.input(labInput).use(async ({ ctx, input, getRawInput, next }) => {
  if (!ctx.user && !ctx.review) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first, or open a review link that is still valid' });
  const granted = await access(ctx.runtime.db, { userId: ctx.user?.id ?? null, review: ctx.review }, input.labId, await getRawInput(), 'viewer');
  return next({ ctx: { ...ctx, role: granted.role, via: granted.via } });
});
