/**
 * tRPC in one place, in order: context -> init -> reusable procedures. Each procedure states what it may assume:
 * `protectedProcedure` a signed-in user, `labProcedure(role)` a member of the lab in `input.labId` with at least
 * that role. Authorisation happens here, never in handlers.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { LabRole } from '@/db/schema';
import { requireRole } from '@/server/authz';
import type { Runtime } from '@/server/runtime';

export interface SessionUser {
  id: string;
  name?: string | null;
  email?: string | null;
}

export interface Context {
  runtime: Runtime;
  user: SessionUser | null;
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
