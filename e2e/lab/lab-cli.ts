/**
 * `npm run lab -- up|down|janitor|shellenv`: the test lab by hand, so a person can run
 * Kindscope (desktop, serve mode, CLI) against it exactly as the tests do.
 */
// First: refuses an unsupported Node in one line (`npm run lab` also passes it with
// `node --import`, because Node < 22.18 cannot even load a .ts entry).
import '../../src-main/core/util/node-guard.mjs';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stopApiServer } from './apiserver/control.ts';
import { labLabel } from './images.ts';
import { installCilium, kindConfigYaml, labEnv, run } from './lab-cluster.ts';
import { labHome, labInstance } from './lab-paths.ts';
import { removeKindContext } from './kubeconfig.ts';
import { tryDocker } from './require-docker.ts';
import { writeStandInWrappers } from './wrappers.ts';

const usage = `Usage: npm run lab -- <command> [options]

  up --name N [--workers K] [--no-cilium] [--pool CIDR|auto] [--routing tunnel|native]
                  Create a lab cluster with the kind stand-in (kind config as the seed article:
                  no default CNI, kube-proxy none), then install the simulated Cilium with the
                  helm stand-in (kube-proxy replacement, L2 announcements). --pool applies a
                  LoadBalancer pool (auto: a /24 carved from the kind network) and the seed's
                  L2 policy.
  down --name N   Delete it (the kind network stays, as with kind).
  janitor [--keep-images]
                  Remove everything the lab made: containers, networks (also "kind" when the lab
                  made it), kubeconfig entries, state, and the lab's images.
  shellenv        Print the exports that put the lab's stand-ins first on PATH:
                    eval "$(npm run -s lab -- shellenv)"
`;

const labKubeconfig = () => join(labHome(), 'kubeconfig');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: rest,
      strict: true,
      options: {
        name: { type: 'string' },
        workers: { type: 'string' },
        'no-cilium': { type: 'boolean' },
        pool: { type: 'string' },
        routing: { type: 'string' },
        'keep-images': { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`lab: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const env = labEnv({ KUBECONFIG: process.env.KUBECONFIG ?? labKubeconfig() });
  switch (command) {
    case 'up': {
      const name = values.name as string | undefined;
      if (!name) return fail('up needs --name N (a kind cluster name: lowercase letters, digits, "-" and ".")');
      const workers = Number(values.workers ?? 1);
      if (!Number.isInteger(workers) || workers < 0 || workers > 32)
        return fail(`--workers must be a whole number from 0 to 32, not "${values.workers}"`);
      const routing = (values.routing as string | undefined) ?? 'tunnel';
      if (routing !== 'tunnel' && routing !== 'native')
        return fail(`--routing must be tunnel or native, not "${routing}"`);
      if (values['no-cilium'] && (values.pool !== undefined || values.routing !== undefined))
        return fail('--pool and --routing need Cilium: drop --no-cilium');
      const configFile = join(labHome(), `${name}.kind.yaml`);
      writeFileSync(configFile, kindConfigYaml(workers));
      const print = (line: string) => process.stderr.write(`${line}\n`);
      const result = await run('kind', ['create', 'cluster', '--name', name, '--config', configFile], env, print);
      if (result.code !== 0) return result.code;
      if (!values['no-cilium']) {
        const installed = await installCilium(
          name,
          env,
          { routing, ...(values.pool !== undefined ? { pool: values.pool as string } : {}) },
          print,
        );
        if (installed !== 0) return installed;
      }
      process.stderr.write(`\nKubeconfig: ${env.KUBECONFIG}\nUse it: eval "$(npm run -s lab -- shellenv)"\n`);
      return result.code;
    }
    case 'down': {
      const name = values.name as string | undefined;
      if (!name) return fail('down needs --name N');
      return (
        await run('kind', ['delete', 'cluster', '--name', name], env, (line) => process.stderr.write(`${line}\n`))
      ).code;
    }
    case 'janitor':
      return janitor(Boolean(values['keep-images']), env);
    case 'shellenv': {
      const bin = writeStandInWrappers();
      process.stdout.write(
        `export PATH=${shellQuote(bin)}:"$PATH"\nexport ` +
          `KINDSCOPE_LAB_HOME=${shellQuote(labHome())}\nexport ` +
          `KUBECONFIG=${shellQuote(env.KUBECONFIG ?? labKubeconfig())}\n`,
      );
      return 0;
    }
    default:
      process.stderr.write(command ? `lab: unknown command "${command}"\n\n${usage}` : usage);
      return 2;
  }
}

function janitor(keepImages: boolean, env: NodeJS.ProcessEnv): number {
  const ids = (args: string[]) => tryDocker(args).stdout.split('\n').filter(Boolean);
  const mine = `label=${labLabel}=${labInstance()}`;
  const containers = ids(['ps', '-aq', '--filter', mine]);
  if (containers.length > 0) tryDocker(['rm', '-f', '-v', ...containers]);
  const networks = ids(['network', 'ls', '-q', '--filter', mine]);
  for (const network of networks) tryDocker(['network', 'rm', network]);
  const clustersDir = join(labHome(), 'clusters');
  const clusters = existsSync(clustersDir) ? readdirSync(clustersDir) : [];
  for (const cluster of clusters) stopApiServer(join(clustersDir, cluster));
  for (const cluster of clusters)
    for (const kubeconfig of new Set([env.KUBECONFIG, labKubeconfig()]))
      if (kubeconfig) removeKindContext(kubeconfig, cluster);
  rmSync(clustersDir, { recursive: true, force: true });
  let images = 0;
  if (!keepImages) {
    const labImages = tryDocker(['images', '--filter', `label=${labLabel}`, '--format', '{{.Repository}}:{{.Tag}}'])
      .stdout.split('\n')
      .filter((tag) => tag && !tag.includes('<none>'));
    for (const image of labImages) if (tryDocker(['rmi', image]).status === 0) images += 1;
  }
  process.stderr.write(
    `Removed ${containers.length} containers, ${networks.length} networks, ${clusters.length} cluster states${keepImages ? '' : `, ${images} images`}.\n`,
  );
  return 0;
}

function fail(message: string): number {
  process.stderr.write(`lab: ${message}\n`);
  return 2;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

process.exitCode = await main(process.argv.slice(2));
