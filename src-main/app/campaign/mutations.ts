import fc from 'fast-check';
import type { z } from 'zod';
import { confined, sandboxDir } from './sandbox';
import { arbitraryFor } from './zod-arbitrary';

/**
 * Strings that have broken programs before: path traversal, shell syntax, option injection,
 * odd unicode. Absolute paths are rooted in the campaign's sandbox (see sandbox.ts).
 */
export function hostileStrings(): string[] {
  const sandbox = sandboxDir();
  return [
    '../../../../etc/passwd',
    `${sandbox}/../../../etc/shadow`,
    '..%2f..%2f..%2fetc%2fpasswd',
    'C:\\Windows\\System32',
    '$(id)',
    '`id`',
    '; rm -rf ~',
    '| sh',
    '&& curl http://127.0.0.1:1/x',
    '--kubeconfig=/etc/passwd',
    '-rf',
    '\n--help',
    'a\0b',
    '',
    ' ',
    '\u202Eevil',
    '\uD800',
    'ｋｉｎｄ',
    '😀'.repeat(100),
    '%s%s%n',
    '{{.Config}}',
    '__proto__',
    'constructor',
  ];
}

/** Values of every other JSON type (and some that JSON cannot carry). */
const wrongTypes: unknown[] = [0, -1, 1e308, 3.5, true, false, null, [], [1, 2], {}, { $ne: 1 }, { toString: 'x' }];

export interface Mutated {
  input: unknown;
  /** What was changed: a field name, `extra:<key>`, or `root`. */
  mutation: string;
  /** The value before the mutation passed the schema (so the mutation is the only problem). */
  baseValid: boolean;
}

/**
 * Inputs for one call: schema-valid values (1 in 8) and those values mutated — a field of
 * the wrong type, a hostile or huge string in a field, a required field dropped, a stray
 * field, or a root that is not an object at all.
 */
export function mutatedInput(schema: z.ZodType): fc.Arbitrary<Mutated> {
  return mutations(schema).map((mutated) => ({ ...mutated, baseValid: schema.safeParse(mutated.base).success }));
}

function mutations(schema: z.ZodType): fc.Arbitrary<{ input: unknown; mutation: string; base: unknown }> {
  const valid = arbitraryFor(schema);
  const keys = Object.keys(
    (schema as unknown as { _zod: { def: { shape?: Record<string, unknown> } } })._zod.def.shape ?? {},
  );
  const field = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant(undefined);
  const hostile = fc.oneof(
    fc.constantFrom(...hostileStrings()),
    fc.string({ unit: 'binary', maxLength: 64 }).map(confined),
    fc.string({ unit: 'grapheme', maxLength: 64 }).map(confined),
    fc.integer({ min: 10_000, max: 2_000_000 }).map((n) => 'a'.repeat(n)),
  );
  const asObject = (value: unknown): Record<string, unknown> =>
    value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
  return fc.oneof(
    { weight: 1, arbitrary: valid.map((input) => ({ input, mutation: 'none', base: input })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, field, fc.constantFrom(...wrongTypes))
        .map(([value, key, wrong]) =>
          key
            ? { input: { ...asObject(value), [key]: wrong }, mutation: key, base: value }
            : { input: wrong, mutation: 'root', base: value },
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(valid, field, hostile)
        .map(([value, key, text]) =>
          key
            ? { input: { ...asObject(value), [key]: text }, mutation: key, base: value }
            : { input: { [text.slice(0, 40) || 'x']: 1 }, mutation: `extra:${text.slice(0, 40) || 'x'}`, base: value },
        ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(valid, field).map(([value, key]) => ({
        input: Object.fromEntries(Object.entries(asObject(value)).filter(([k]) => k !== key)),
        mutation: key ?? 'none',
        base: value,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.constantFrom('__proto__', 'constructor', 'extra', 'prototype', 'toString'))
        .map(([value, key]) => {
          const input = asObject(value);
          Object.defineProperty(input, key, {
            value: { polluted: true },
            enumerable: true,
            configurable: true,
            writable: true,
          });
          return { input, mutation: `extra:${key}`, base: value };
        }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<unknown>(null, undefined, 'string', 42, [], [{}], true)
        .map((input) => ({ input, mutation: 'root', base: {} })),
    },
  );
}
