import { DrizzleAdapter } from '@auth/drizzle-adapter';
import NextAuth, { type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import type { Provider } from 'next-auth/providers';
import { accounts, sessions, users, verificationTokens } from '@/db/schema';
import { getRuntime } from '@/server/runtime';
import { authenticate } from '@/server/services/accounts';

/** OAuth providers switch on when their variables are set (README: "Sign-in providers"). */
function oauthProviders(env: NodeJS.ProcessEnv): Provider[] {
  const providers: Provider[] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET) {
    providers.push(GitHub({ clientId: env.AUTH_GITHUB_ID, clientSecret: env.AUTH_GITHUB_SECRET }));
  }
  if (env.AUTH_ORCID_ID && env.AUTH_ORCID_SECRET) {
    // ORCID speaks OpenID Connect; the iD is the subject. Sandbox: AUTH_ORCID_ISSUER=https://sandbox.orcid.org
    providers.push({
      id: 'orcid',
      name: 'ORCID',
      type: 'oidc',
      issuer: env.AUTH_ORCID_ISSUER ?? 'https://orcid.org',
      clientId: env.AUTH_ORCID_ID,
      clientSecret: env.AUTH_ORCID_SECRET,
      authorization: { params: { scope: 'openid' } },
      profile(profile: { sub: string; given_name?: string; family_name?: string }) {
        return { id: profile.sub, name: [profile.given_name, profile.family_name].filter(Boolean).join(' ') || profile.sub, email: null };
      },
    });
  }
  return providers;
}

export const enabledOAuthProviders = () => oauthProviders(process.env).map((p) => {
  const { id, name } = typeof p === 'function' ? p() : p;
  return { id, name };
});

export const { handlers, auth, signIn, signOut } = NextAuth(async (): Promise<NextAuthConfig> => {
  const runtime = await getRuntime();
  return {
    secret: runtime.config.authSecret,
    trustHost: true,
    adapter: DrizzleAdapter(runtime.db, { usersTable: users, accountsTable: accounts, sessionsTable: sessions, verificationTokensTable: verificationTokens }),
    // Signed JWT cookies: email/password sign-in needs them, and they outlive a server restart.
    session: { strategy: 'jwt', maxAge: 30 * 86_400 },
    pages: { signIn: '/signin' },
    providers: [
      Credentials({
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          if (typeof credentials?.email !== 'string' || typeof credentials.password !== 'string') return null;
          return authenticate(runtime.db, credentials.email, credentials.password);
        },
      }),
      ...oauthProviders(process.env),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
});
