import fc from 'fast-check';
import type { z } from 'zod';
import { confined, sandboxDir } from './sandbox';

/**
 * A fast-check arbitrary for the values a zod (v4) schema accepts, read from the schema's
 * own definition, so a call added to the contract is covered without a line of test code.
 * Test support only (fast-check is a dev dependency). Kinds it does not know fall back to
 * `fc.anything()`: the campaign still runs, with inputs the schema will mostly refuse.
 */
export function arbitraryFor(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
  switch (def.type) {
    case 'object':
      return objectArbitrary(def);
    case 'string':
      return stringArbitrary(schema, def);
    case 'boolean':
      return fc.boolean();
    case 'number':
    case 'int':
      return fc
        .oneof(fc.integer({ min: -10, max: 100_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
        .filter((n) => schema.safeParse(n).success || Math.random() < 0.05);
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'literal':
      return fc.constantFrom(...(def.values ?? []));
    case 'optional':
      return fc.option(arbitraryFor(def.innerType!), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryFor(def.innerType!), { nil: null });
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return arbitraryFor(def.innerType!);
    case 'array': {
      const checks = (def.checks ?? []).map((c) => c._zod.def);
      const minLength = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      return fc.array(arbitraryFor(def.element!), { minLength, maxLength: Math.max(minLength, 5) });
    }
    case 'union':
      return fc.oneof(...(def.options ?? []).map(arbitraryFor));
    case 'pipe':
      return arbitraryFor(def.in!);
    case 'record':
      return fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), arbitraryFor(def.valueType!), { maxKeys: 4 });
    case 'null':
      return fc.constant(null);
    default:
      return fc.anything();
  }
}

interface ZodDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  checks?: {
    _zod: {
      def: { check: string; format?: string; pattern?: RegExp; prefix?: string; maximum?: number; minimum?: number };
    };
  }[];
  entries?: Record<string, string>;
  values?: unknown[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  valueType?: z.ZodType;
}

function objectArbitrary(def: ZodDef): fc.Arbitrary<unknown> {
  const shape = def.shape ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(shape)) record[key] = arbitraryFor(value);
  // Optional fields may be absent, not only undefined.
  return fc.record(record).map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
}

function stringArbitrary(schema: z.ZodType, def: ZodDef): fc.Arbitrary<unknown> {
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  const max = checks.find((c) => c.check === 'max_length')?.maximum ?? 40;
  const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
  const pattern = checks.find((c) => c.format === 'regex')?.pattern;
  const prefix = checks.find((c) => c.format === 'starts_with')?.prefix;
  // Absolute paths are rooted in the campaign's sandbox: a call that writes where it is told must not write to /.
  const base = pattern
    ? fc.stringMatching(pattern).map((s) => confined(s.slice(0, max)))
    : prefix !== undefined
      ? fc.string({ maxLength: Math.max(0, max - prefix.length) }).map((s) => confined(prefix + s))
      : fc.string({ minLength: Math.min(min, max), maxLength: Math.max(min, max) }).map(confined);
  // Realistic values first (what a person would type), then the generated ones.
  const realistic = ['kind', 'default', 'web', 'demo', `${sandboxDir()}/kind`].filter(
    (s) => schema.safeParse(s).success,
  );
  return realistic.length > 0
    ? fc.oneof({ arbitrary: base, weight: 4 }, { arbitrary: fc.constantFrom(...realistic), weight: 1 })
    : base;
}
