import { homedir } from 'node:os';
import { join } from 'node:path';

/** Kindscope's data folder: settings, managed tools, logs. KINDSCOPE_HOME overrides it. */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KINDSCOPE_HOME) return env.KINDSCOPE_HOME;
  const home = env.HOME ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Kindscope');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'kindscope');
}
