import { count } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { enqueueJob } from '@/server/jobs/service';
import { signUp } from './accounts';
import { createLab } from './labs';

export const DEMO_EMAIL = 'demo@brainglass.local';
export const DEMO_PASSWORD = 'brainglass-demo';

/** On an empty database: a demo user, a demo lab, and the jobs that draw the demo datasets. */
export async function seedDemo(db: Db, boss: PgBoss): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  if ((row?.n ?? 0) > 0) return false;
  const user = await signUp(db, { name: 'Demo Scientist', email: DEMO_EMAIL, password: DEMO_PASSWORD });
  const lab = await createLab(db, user.id, { name: 'Demo lab', description: 'Synthetic recordings with planted ground truth, to try every analysis.' });
  await enqueueJob(db, boss, {
    labId: lab.id,
    kind: 'dataset.synthesize',
    title: 'Generate the demo dataset',
    params: { name: 'Synthetic iEEG (planted signatures)', seed: 1, trialsPerCategory: 30 },
    createdBy: user.id,
  });
  // Level 3: continuous scalp EEG with motor imagery trials, for the state-space analysis and a replay session.
  await enqueueJob(db, boss, {
    labId: lab.id,
    kind: 'dataset.synthesizeEeg',
    title: 'Generate the demo EEG recording',
    params: { name: 'Synthetic EEG (motor imagery)', seed: 1, trialsPerClass: 20 },
    createdBy: user.id,
  });
  // Level 2: drawn images with MobileNetV2's layers planted in the gamma power of the ventral stream, for the RSA.
  await enqueueJob(db, boss, {
    labId: lab.id,
    kind: 'dataset.synthesizeVisual',
    title: 'Generate the demo visual-hierarchy dataset',
    params: { name: 'Synthetic iEEG, visual hierarchy (planted RSA)', seed: 1, perCategory: 12 },
    createdBy: user.id,
  });
  console.log(`[brainglass] Demo account created: ${DEMO_EMAIL} / ${DEMO_PASSWORD}`);
  return true;
}
