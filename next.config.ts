import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Loaded by Node at run time, not bundled: PGlite reads its WASM files from its package folder, and one copy of
  // each of these keeps the single database connection shared by route handlers and the job engine.
  serverExternalPackages: ['@electric-sql/pglite', 'pg-boss', 'pg', 'drizzle-orm', '@auth/drizzle-adapter'],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    // Published views are made to be embedded in papers' pages and lab sites; every other page may be framed only by
    // Brainglass itself (no clickjacking of signed-in pages).
    return [
      { source: '/p/:slug/:version/embed', headers: [{ key: 'Content-Security-Policy', value: 'frame-ancestors *' }] },
      { source: '/((?!p/[^/]+/[^/]+/embed$).*)', headers: [{ key: 'Content-Security-Policy', value: "frame-ancestors 'self'" }] },
    ];
  },
};

export default nextConfig;
