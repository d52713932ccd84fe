import {
  changePassword,
  changePasswordInput,
  getAccount,
  signUp,
  signUpInput,
  updateProfile,
  updateProfileInput,
} from '@/server/services/accounts';
import { protectedProcedure, publicProcedure, router } from '@/server/trpc/init';

export const accountRouter = router({
  signUp: publicProcedure.input(signUpInput).mutation(({ ctx, input }) => signUp(ctx.runtime.db, input)),
  me: protectedProcedure.query(({ ctx }) => getAccount(ctx.runtime.db, ctx.user.id)),
  updateProfile: protectedProcedure.input(updateProfileInput).mutation(({ ctx, input }) => updateProfile(ctx.runtime.db, ctx.user.id, input)),
  changePassword: protectedProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changePassword(ctx.runtime.db, ctx.user.id, input)),
});
