import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppInfo, PlannedArtifact } from '../contract';
import { cliLinkStatus, linkCli, type CliLinkContext } from '../core/host/cli-link';
import { helperLabel } from '../core/topology/netns-reader';
import type { SettingsStore } from '../core/settings/settings-store';
import type { GuiEnvironment } from '../core/tools/gui-environment';
import type { Handlers } from './router';

export interface WelcomeDependencies {
  settings: SettingsStore;
  dataDir: string;
  environment: GuiEnvironment;
  transport: AppInfo['transport'];
  /** The installed app's single-executable CLI (Electron passes resources/bin/kindscope). */
  bundledCliPath?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The first-run welcome: shown by the installed desktop app (no terminal at hand) until
 * dismissed; serve mode and the CLI are started from a terminal and skip it.
 * KINDSCOPE_WELCOME=1 shows it in any transport (to preview it in a browser, and for tests).
 */
export function createWelcomeHandlers(
  deps: WelcomeDependencies,
): Pick<Handlers, 'welcomeState' | 'welcomeDismiss' | 'cliLink'> {
  const env = deps.env ?? process.env;
  const home = env.HOME ?? homedir();
  const linkContext = (): CliLinkContext => ({
    bundledPath: deps.bundledCliPath,
    home,
    pathDirs: deps.environment.pathEntries().map((entry) => entry.dir),
  });
  return {
    welcomeState: async () => ({
      show: (deps.transport === 'electron' || env.KINDSCOPE_WELCOME === '1') && !deps.settings.get().welcomeSeenAt,
      creates: plannedArtifacts(deps, home),
      cli: cliLinkStatus(linkContext()),
    }),
    welcomeDismiss: async () => {
      const seenAt = new Date().toISOString();
      deps.settings.update((settings) => ({ ...settings, welcomeSeenAt: seenAt }));
      return { seenAt };
    },
    cliLink: async () => linkCli(linkContext()),
  };
}

function plannedArtifacts(deps: WelcomeDependencies, home: string): PlannedArtifact[] {
  const kubeconfig =
    deps.environment.value('KUBECONFIG').value?.split(':').find(Boolean) ?? join(home, '.kube', 'config');
  return [
    {
      what: 'Settings and the tools you let it download (kind, helm, kubectl, cilium), each checked against its published SHA-256',
      where: deps.dataDir,
    },
    {
      what: 'Each lab cluster you create: one container per node, on the Docker network "kind" (kind creates it)',
      where: 'your Docker engine',
    },
    { what: 'A kubeconfig context kind-<name> for each cluster (written by kind)', where: kubeconfig },
    {
      what: `While a topology is shown: one helper container labelled ${helperLabel}, removed when Kindscope quits`,
      where: 'your Docker engine',
    },
    {
      what: 'A link to the kindscope command line, only if you ask below',
      where: join(home, '.local', 'bin', 'kindscope'),
    },
  ];
}
