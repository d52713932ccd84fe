import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { memberships, type LabRole } from '@/db/schema';

const rank: Record<LabRole, number> = { viewer: 0, editor: 1, owner: 2 };

export function roleAtLeast(role: LabRole, needed: LabRole): boolean {
  return rank[role] >= rank[needed];
}

/**
 * The caller's role in a lab, or an error. Someone outside the lab gets NOT_FOUND, the same answer as for a lab
 * that does not exist, so ids cannot be probed; a member without enough rights is told which role is needed.
 */
export async function requireRole(db: Db, labId: string, userId: string, needed: LabRole): Promise<LabRole> {
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.labId, labId), eq(memberships.userId, userId)));
  if (!membership) throw new TRPCError({ code: 'NOT_FOUND', message: 'Lab not found' });
  if (!roleAtLeast(membership.role, needed)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `This needs the ${needed} role in the lab; you are a ${membership.role}`,
    });
  }
  return membership.role;
}
