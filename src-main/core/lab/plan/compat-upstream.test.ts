import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upstreamDir } from '../../../../scripts/upstream/generate-chart-tables';
import { compatTable, defaultCompatRow } from '../../../contract/compat-table';
import { LabPlan } from '../../../contract/lab';

/**
 * kind's default node image per release as ../shared/upstream/README.md collected it from
 * `pkg/apis/config/defaults/image.go` at each tag: `| v0.29.0 | \`kindest/node:v1.33.1@sha256:…\` … |`.
 */
function upstreamDefaults(): Map<string, string> {
  const text = readFileSync(join(upstreamDir(), 'README.md'), 'utf8');
  const rows = [...text.matchAll(/^\| (v\d+\.\d+\.\d+) \| `(kindest\/node:v[\d.]+@sha256:[0-9a-f]{64})`/gm)];
  return new Map(rows.map((m) => [m[1]!, m[2]!]));
}

describe("the compatibility table against kind's published defaults", () => {
  const upstream = upstreamDefaults();

  it('reads every release the upstream data lists', () => {
    expect([...upstream.keys()].sort()).toEqual(['v0.29.0', 'v0.30.0', 'v0.31.0', 'v0.32.0', 'v0.33.0']);
  });

  it("marks as each release's default exactly the image kind's image.go names, digest and all", () => {
    for (const [kind, image] of upstream) {
      const defaults = compatTable.filter((row) => row.kind === kind && row.defaultImage).map((row) => row.image);
      expect(defaults, kind).toEqual([image]);
    }
    for (const row of compatTable.filter((r) => r.defaultImage))
      expect(upstream.get(row.kind), row.kind).toBe(row.image);
  });

  it("gives the plan schema its defaults from the table's default row, not a copy", () => {
    const plan = LabPlan.parse({ cluster: { name: 'demo' } });
    expect(plan.cluster.kindVersion).toBe(defaultCompatRow.kind);
    expect(plan.cluster.nodeImage).toBe(defaultCompatRow.image);
    expect(compatTable.filter((row) => row.kind === plan.cluster.kindVersion).map((row) => row.image)).toContain(
      plan.cluster.nodeImage,
    );
  });
});
