/** `npm run worker`: a standalone worker process for distributed mode (DATABASE_URL=postgres://...). */
import { loadConfig } from '@/server/config';
import { startPlatform } from './platform';

const config = loadConfig();
if (config.database.mode !== 'distributed') {
  console.error('npm run worker is for distributed mode: set DATABASE_URL=postgres://... (the embedded app runs its own workers)');
  process.exit(2);
}
process.env.BRAINGLASS_WORKERS = '1';
const runtime = await startPlatform();
const stop = async () => {
  console.log('[brainglass] worker stopping: finishing running jobs');
  await runtime.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
