/**
 * `node scripts/packaging/verify-fuses.ts <app> [--e2e]`: fails unless the built app's fuse
 * wire is exactly the policy in fuses.ts. The release workflow runs it beside
 * `npx @electron/fuses read --app <app>` (which prints the wire for the log).
 */
import { verifyBuiltFuses } from './fuses.ts';

const [appPath, ...flags] = process.argv.slice(2);
if (!appPath) {
  process.stderr.write(
    'Usage: node scripts/packaging/verify-fuses.ts <path to Kindscope.app or the Linux executable> [--e2e]\n',
  );
  process.exit(2);
}
const build = flags.includes('--e2e') ? 'e2e' : 'shipped';
const problems = await verifyBuiltFuses(appPath, build);
if (problems.length > 0) {
  process.stderr.write(
    `fuses of ${appPath} (${build} build) are wrong:\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(`fuses of ${appPath}: as the ${build} policy says (scripts/packaging/fuses.ts)\n`);
