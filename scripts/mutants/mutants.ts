/**
 * The targeted breaks `npm run mutants` applies, one at a time. Each is a file, an exact search
 * text (it must occur exactly once; the run fails loudly when it does not, so this list moves with
 * the code) and its replacement, and the test files that guard it — never the whole suite.
 * The first 31 are issue 27's mutation review; the rest were added with the guards they test.
 */
export interface Mutant {
  id: string;
  file: string;
  search: string;
  replace: string;
  guards: string[];
}

const policy = 'src-main/core/tools/run-policy.ts';
const elevated = 'src-main/core/tools/elevated-scripts.ts';
const policyGuards = ['src-main/core/tools/run-policy.test.ts', 'src-main/core/tools/elevated-scripts.test.ts'];

const decoder = 'src-main/core/capture/pcap-decoder.ts';
/** The fixture tests only: the docker-made captures in the same file are skipped by name. */
const decoderGuards = ['src-main/core/capture/pcap-decoder.test.ts'];

export const mutants: Mutant[] = [
  {
    id: 'pcap-sll2-decodes-to-nothing',
    file: 'src-main/core/capture/arp-frame.ts',
    search: '    if (data.length < 20) return undefined;\n    protocolAt = 0;',
    replace: '    return undefined;\n    protocolAt = 0;',
    guards: decoderGuards,
  },
  {
    id: 'pcapng-if-tsresol-ignored',
    file: decoder,
    search: '        unitsPerSecond: interfaceResolution(view, body + 8, bodyEnd, little),',
    replace: '        unitsPerSecond: 1_000_000n,',
    guards: decoderGuards,
  },
  {
    id: 'pcap-classic-truncation-check-removed',
    file: decoder,
    search: '    if (offset + 16 + captured > bytes.length)\n      throw truncated(`packet ${number}`',
    replace: '    if (false)\n      throw truncated(`packet ${number}`',
    guards: decoderGuards,
  },
  {
    id: 'pcapng-packet-block-truncation-check-removed',
    file: decoder,
    search: '  if (body + 20 + captured > block.bodyEnd)',
    replace: '  if (false)',
    guards: decoderGuards,
  },
  {
    id: 'policy-skips-file-name-check',
    file: policy,
    search: 'if (!rule.fileName.test(fileName)) {',
    replace: 'if (false) {',
    guards: policyGuards,
  },
  {
    id: 'osascript-quote-backslash-in-script',
    file: elevated,
    search: "[/\"/, 'a double quote'],",
    replace: '',
    guards: [...policyGuards, 'src-main/core/dns/dns-wiring.test.ts'],
  },
  {
    id: 'elevated-program-any-path',
    file: elevated,
    search: 'oneOf(...elevatedProgramDirs.map((dir) => `${dir}/${name}`));',
    replace: "({ rule: 'a path', test: (value: string) => value.startsWith('/') });",
    guards: [...policyGuards, 'src-main/core/dns/dns-wiring.test.ts'],
  },
  {
    id: 'elevated-params-drop-metacharacter-check',
    file: elevated,
    search: 'for (const [pattern, what] of metacharacters)',
    replace: 'for (const [pattern, what] of [] as typeof metacharacters)',
    guards: policyGuards,
  },
  {
    id: 'policy-osascript-any-script',
    file: policy,
    search: "const matched = matchElevated('osascript', shape[1]!);",
    replace: "const matched = { template: 'x', params: {} } as ReturnType<typeof matchElevated>;",
    guards: policyGuards,
  },
  {
    id: 'policy-pkexec-any-script',
    file: policy,
    search: "const matched = matchElevated('pkexec', args[2]!);",
    replace: "const matched = { template: 'x', params: {} } as ReturnType<typeof matchElevated>;",
    guards: policyGuards,
  },
  {
    id: 'elevated-match-skips-validators',
    file: elevated,
    search: '    if (problems.length > 0) {\n      near.push(...problems);\n      continue;\n    }',
    replace: '',
    guards: policyGuards,
  },
  {
    id: 'elevated-runner-ignored',
    file: elevated,
    search: '    if (templates[name].runner !== runner) continue;\n',
    replace: '',
    guards: policyGuards,
  },
];
