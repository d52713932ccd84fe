import { NextResponse, type NextRequest } from 'next/server';
import { getRuntime } from '@/server/runtime';
import { openReviewLink, REVIEW_COOKIE } from '@/server/services/sharing';

/**
 * A reviewer's link: opens the shared dataset or analysis read-only, without an account. GET opens links without a
 * password; the password page POSTs here. The grant lives in an httpOnly cookie checked (revocation and expiry
 * included) on every request.
 */
async function open(req: NextRequest, token: string, password?: string) {
  const runtime = await getRuntime();
  const result = await openReviewLink(runtime.db, runtime.config.authSecret, token, password);
  if (!result.ok) {
    if (result.reason === 'invalid') {
      return new NextResponse(invalidPage, { status: 410, headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    return seeOther(`/r/${token}/password${result.reason === 'wrong-password' ? '?wrong=1' : ''}`);
  }
  const res = seeOther(result.path);
  res.cookies.set(REVIEW_COOKIE, result.cookie, { httpOnly: true, sameSite: 'lax', path: '/', secure: req.nextUrl.protocol === 'https:' });
  return res;
}

/** A same-site redirect by path: the host the server sees (behind a proxy, or localhost vs 127.0.0.1) may not be the browser's, and the cookie belongs to the browser's. */
const seeOther = (path: string) => new NextResponse(null, { status: 303, headers: { location: path } });

export async function GET(req: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  return open(req, (await params).token);
}

export async function POST(req: NextRequest, { params }: { params: Promise<{ token: string }> }) {
  const form = await req.formData();
  return open(req, (await params).token, String(form.get('password') ?? ''));
}

const invalidPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Review link not valid · Brainglass</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>This review link is not valid</h1>
<p data-testid="review-link-invalid">It has been revoked, has expired, or never existed. Ask the lab that sent it for a new one.</p>
</body></html>`;
