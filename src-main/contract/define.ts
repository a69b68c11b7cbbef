import type { z } from 'zod';

/** A request/response call: one id, its input and output schemas, and what it does. */
export interface CallDef<Id extends string = string, I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly id: Id;
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

/** A pushed event: one id and the schema of its payload. */
export interface EventDef<Id extends string = string, P extends z.ZodType = z.ZodType> {
  readonly id: Id;
  readonly payload: P;
  readonly summary: string;
}

export function defineCall<const Id extends string, I extends z.ZodType, O extends z.ZodType>(
  id: Id,
  input: I,
  output: O,
  summary: string,
): CallDef<Id, I, O> {
  return { id, input, output, summary };
}

export function defineEvent<const Id extends string, P extends z.ZodType>(
  id: Id,
  payload: P,
  summary: string,
): EventDef<Id, P> {
  return { id, payload, summary };
}
