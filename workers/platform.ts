import { seedDemo } from '@/server/services/demo';
import { getRuntime, type Runtime } from '@/server/runtime';
import { startWorkers } from './engine';

/** Everything a server process needs before it takes requests; the worker process calls it too. */
export async function startPlatform(): Promise<Runtime> {
  const runtime = await getRuntime();
  const { config } = runtime;
  if (config.runWorkers) await startWorkers(runtime);
  if (config.seedDemo) await seedDemo(runtime.db, runtime.boss);
  console.log(
    `[brainglass] ${config.database.mode} database${config.database.mode === 'embedded' ? ` in ${config.dataDir}` : ''}; ` +
      `job workers ${config.runWorkers ? 'running in this process' : 'off (run `npm run worker`)'}`,
  );
  return runtime;
}
