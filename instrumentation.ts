/** Starts the platform once per server process: database and migrations, job workers (embedded mode), demo data. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startPlatform } = await import('./workers/platform');
  await startPlatform();
}
