import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/server/auth/password';

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email('Enter a valid email address'));
export const passwordSchema = z
  .string()
  .min(10, 'A password needs at least 10 characters')
  .max(200, 'A password is at most 200 characters');

export const signUpInput = z.object({
  name: z.string().trim().min(1, 'Enter your name').max(100),
  email: emailSchema,
  password: passwordSchema,
});

export async function signUp(db: Db, input: z.infer<typeof signUpInput>) {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (existing) throw new TRPCError({ code: 'CONFLICT', message: `An account for ${input.email} already exists; sign in instead` });
  const [user] = await db
    .insert(users)
    .values({ name: input.name, email: input.email, passwordHash: await hashPassword(input.password) })
    .returning({ id: users.id, name: users.name, email: users.email });
  return user!;
}

/** The user for an email and password, or null: callers say "wrong email or password" without telling which. */
export async function authenticate(db: Db, email: string, password: string) {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  const [user] = await db.select().from(users).where(eq(users.email, parsed.data));
  if (!user?.passwordHash) return null;
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, name: user.name, email: user.email };
}

export async function getAccount(db: Db, userId: string) {
  const [user] = await db
    .select({ id: users.id, name: users.name, email: users.email, createdAt: users.createdAt, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'Account not found' });
  const { passwordHash, ...rest } = user;
  return { ...rest, hasPassword: passwordHash !== null };
}

export const updateProfileInput = z.object({ name: z.string().trim().min(1, 'Enter your name').max(100) });

export async function updateProfile(db: Db, userId: string, input: z.infer<typeof updateProfileInput>) {
  await db.update(users).set({ name: input.name }).where(eq(users.id, userId));
}

export const changePasswordInput = z.object({ current: z.string(), next: passwordSchema });

export async function changePassword(db: Db, userId: string, input: z.infer<typeof changePasswordInput>) {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (user?.passwordHash && !(await verifyPassword(input.current, user.passwordHash))) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is wrong; nothing was changed' });
  }
  await db.update(users).set({ passwordHash: await hashPassword(input.next) }).where(eq(users.id, userId));
}
