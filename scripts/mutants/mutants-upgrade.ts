import type { Mutant } from './mutants.ts';

/** Issue 30's breaks (upgrade, rollback, rebuild), each with the tests that must notice it. */
const carry = 'src-main/core/lab/upgrade/carry-values.ts';
const carryGuards = ['src-main/core/lab/upgrade/carry-values.test.ts'];
const preflight = 'src-main/core/lab/upgrade/upgrade-preflight.ts';
const pipeline = 'src-main/core/lab/upgrade/upgrade-pipeline.ts';
/** The lab acceptance: one cluster, minutes. */
const upgradeLab = ['src-main/cli/commands/upgrade.test.ts'];

export const upgradeMutants: Mutant[] = [
  {
    id: 'i30-rename-never-found',
    file: carry,
    search: 'return candidates.length === 1 ? candidates[0] : undefined;',
    replace: 'return undefined;',
    guards: carryGuards,
  },
  {
    id: 'i30-pattern-heir-not-anchored',
    file: carry,
    search: "return `^${value.replace(/\\./g, '\\\\.')}$`;",
    replace: 'return value;',
    guards: carryGuards,
  },
  {
    id: 'i30-target-refusals-ignored',
    file: carry,
    search: 'for (const refusal of chartRefusals(values, to))',
    replace: 'for (const refusal of chartRefusals(values, to).slice(0, 0))',
    guards: carryGuards,
  },
  {
    id: 'i30-sharing-key-trap-on-every-step',
    file: 'src-main/core/lab/upgrade/cluster-checks.ts',
    search: "if (facts.l2Announcements && crosses(from, to, '1.19.0'))",
    replace: 'if (facts.l2Announcements)',
    guards: ['src-main/core/lab/upgrade/cluster-checks.test.ts'],
  },
  {
    id: 'i30-blocking-item-runs-anyway',
    file: preflight,
    search: 'if (blocking.length > 0)',
    replace: 'if (blocking.length < 0)',
    guards: ['src-main/core/lab/upgrade/upgrade-runs.test.ts'],
  },
  {
    id: 'i30-unconfirmed-item-runs-anyway',
    file: preflight,
    search: 'if (missing.length > 0)',
    replace: 'if (missing.length < 0)',
    guards: ['src-main/core/lab/upgrade/upgrade-runs.test.ts'],
  },
  {
    id: 'i30-helm-upgrade-reuses-old-values',
    file: pipeline,
    search: "    '--values',\n    valuesFile,\n",
    replace: "    '--reuse-values',\n",
    guards: upgradeLab,
  },
  {
    id: 'i30-rollback-restores-nothing',
    file: 'src-main/core/lab/upgrade/rollback-pipeline.ts',
    search: 'if (items.length === 0) continue;',
    replace: 'continue;',
    guards: upgradeLab,
  },
  {
    id: 'i30-rebuild-pool-not-kept',
    file: 'src-main/core/lab/upgrade/rebuild.ts',
    search: "if (pool && plan.announce !== 'bgp') plan.pool.cidr = pool.cidr;",
    replace: '',
    guards: ['src-main/cli/commands/rebuild.test.ts'],
  },
];
