import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileStrings } from '../app/campaign/mutations';
import { loopbackOnlyFetch } from '../app/campaign/campaign-guard';
import { confined, enterSandbox, sandboxDir } from '../app/campaign/sandbox';
import { defaultEndpointEnvironment } from '../core/docker/docker-endpoint';
import { commands } from './commands';
import { ExitCode } from './output';
import { runCli } from './run-cli';

const seed = Number(process.env.KINDSCOPE_CAMPAIGN_SEED ?? 20261201);
const numRuns = Number(process.env.KINDSCOPE_CAMPAIGN_RUNS_CLI ?? 1000);

/** Words a person (or a script) might type: the real verbs and options, typos, values, garbage. */
function token(): fc.Arbitrary<string> {
  const verbs = commands.map((c) => c.name);
  const options = [
    ...new Set([
      '--json',
      '--help',
      '-h',
      '--cluster',
      '--service',
      '--name',
      '--yes',
      '--clear',
      '--refresh',
      ...commands.flatMap((c) => Object.keys(c.options ?? {}).map((o) => `--${o}`)),
    ]),
  ];
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...verbs, 'download', 'set-path', 'kind', 'helm', 'kubectl') },
    { weight: 3, arbitrary: fc.constantFrom(...options) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...options), fc.constantFrom(...hostileStrings()))
        .map(([o, v]) => `${o}=${v}`),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('--clustr', '--jsn', '-x', '--', '-', '---json', '--json=yes', 'topolgy', 'statsu'),
    },
    { weight: 2, arbitrary: fc.constantFrom(...hostileStrings()) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }).map(confined) },
    // Never a real system path: `plan --save PATH --yes` writes where it is told (we run as root).
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `${sandboxDir()}/sh`,
        `${sandboxDir()}/kubectl`,
        'default/web',
        'nosuch',
        'i13-nosuch',
      ),
    },
  );
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const realFetch = globalThis.fetch;
const byCode = new Map<number, number>();
let sandbox: ReturnType<typeof enterSandbox>;

beforeAll(() => {
  sandbox = enterSandbox();
  globalThis.fetch = loopbackOnlyFetch(realFetch);
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  sandbox.leave();
  process.off('unhandledRejection', onUnhandled);
  globalThis.fetch = realFetch;
  process.stdout.write(
    `\nCLI campaign (seed ${seed}): ${numRuns} command lines, exit codes ${[...byCode].map(([code, n]) => `${code}: ${n}`).join(', ')}\n`,
  );
});

describe('CLI campaign: generated command lines through the argument parser', () => {
  it('never throws; every exit is 0, 1 or 2; every failure says what happened and what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-cli-campaign-'));
    // The parser is under test, not the engine: Docker is a socket that does not exist, so
    // commands that get past the parser fail fast (and never touch other people's clusters).
    const endpointEnvironment = {
      ...defaultEndpointEnvironment({ DOCKER_HOST: 'unix:///nonexistent/i13-campaign.sock' }),
    };
    await fc.assert(
      fc.asyncProperty(fc.array(token(), { maxLength: 6 }), async (argv) => {
        let out = '';
        let err = '';
        const code = await runCli(
          argv,
          { out: (t) => void (out += t), err: (t) => void (err += t) },
          { dataDir, endpointEnvironment, log: { debug() {}, info() {}, warn() {}, error() {} } as never },
        );
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
        const where = `kindscope ${JSON.stringify(argv)}`;
        if (![ExitCode.ok, ExitCode.failed, ExitCode.usage].includes(code as 0))
          throw new Error(`${where}: exit ${code}`);
        const jsonError =
          argv.includes('--json') && out.startsWith('{')
            ? (JSON.parse(out) as { error?: { code: string; message: string; hint: string } }).error
            : undefined;
        if (
          code === ExitCode.usage &&
          !(jsonError?.message && jsonError.hint) &&
          !/^kindscope: .+\n {2}hint: .+/s.test(err) &&
          !err.startsWith('Usage:')
        )
          throw new Error(`${where}: a usage error without message and hint: ${(out + err).slice(0, 300)}`);
        if (code === ExitCode.failed && out === '' && !/hint: |fix: /.test(err))
          throw new Error(`${where}: a failure without a hint: ${err.slice(0, 300)}`);
        if (argv.includes('--json') && code === ExitCode.failed && out !== '') JSON.parse(out);
      }),
      { seed, numRuns, endOnFailure: true },
    );
    expect(unhandled).toEqual([]);
  });
});
