import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="auth-card card">
      <h1>Not found</h1>
      <p className="muted">There is nothing at this address, or you do not have access to it.</p>
      <Link href="/labs">Your labs</Link>
    </div>
  );
}
