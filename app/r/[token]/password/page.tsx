import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Review link' };

/** The password form of a protected review link; it posts to app/r/[token]/route.ts. */
export default async function ReviewPasswordPage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ wrong?: string }> }) {
  const [{ token }, { wrong }] = await Promise.all([params, searchParams]);
  return (
    <div className="stack" style={{ maxWidth: 420 }}>
      <h1>This review link needs a password</h1>
      <form method="post" action={`/r/${encodeURIComponent(token)}`} className="stack">
        <label className="field">
          <span className="field-label">Password</span>
          <input className="input" type="password" name="password" required autoFocus autoComplete="off" />
        </label>
        {wrong && (
          <p className="error-message" role="alert">
            That password is not right.
          </p>
        )}
        <button className="btn btn-primary" type="submit">
          Open
        </button>
      </form>
    </div>
  );
}
