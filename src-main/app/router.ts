import { ZodError, type z } from 'zod';
import {
  calls,
  events,
  KindscopeError,
  describeZodError,
  findCall,
  findEvent,
  toAppError,
  type CallKey,
  type Calls,
  type EventKey,
  type Events,
  type KindscopeBridge,
  type AppError,
  type Result,
} from '../contract';
import type { Event } from '../core/util/emitter';

/** One function per call: the parsed input in, a value of the output's shape out. */
export type Handlers = {
  [K in CallKey]: (input: z.output<Calls[K]['input']>) => Promise<z.input<Calls[K]['output']>>;
};

/** One source per event: a service's `Event` (register a listener, get a `Disposable`). */
export type EventSources = {
  [K in EventKey]: Event<z.input<Events[K]['payload']>>;
};

export interface RouterLog {
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

/**
 * The handler table behind all three transports. Every input is parsed by its schema
 * before a handler runs; every output is checked before it leaves; every error leaves as
 * data `{ code, message, hint }`.
 */
export interface Router extends KindscopeBridge {
  invoke(callId: string, input: unknown): Promise<Result<unknown>>;
  /** Throws a KindscopeError for an unknown event id. */
  subscribe(eventId: string, listener: (payload: unknown) => void): () => void;
}

/** A refusal echoes what it refused; a 2 MB value must not come back as a 2 MB message (found by the router campaign). */
const maxTextLength = 1_000;

function clip(text: string): string {
  return text.length > maxTextLength
    ? `${text.slice(0, maxTextLength - 30)}… (${text.length - maxTextLength + 30} more characters)`
    : text;
}

function readable(error: AppError): AppError {
  return { code: error.code, message: clip(error.message), hint: clip(error.hint) };
}

const callKeyById = new Map<string, CallKey>((Object.keys(calls) as CallKey[]).map((key) => [calls[key].id, key]));
const eventKeyById = new Map<string, EventKey>((Object.keys(events) as EventKey[]).map((key) => [events[key].id, key]));

export function createRouter(handlers: Handlers, sources: EventSources, log: RouterLog = console): Router {
  return {
    async invoke(callId, input) {
      const call = findCall(callId);
      const key = callKeyById.get(callId);
      if (!call || !key) {
        return {
          ok: false,
          error: {
            code: 'UNKNOWN_CALL',
            message: `No call named "${callId}"`,
            hint: 'Kindscope and its window are out of step: restart Kindscope.',
          },
        };
      }
      const parsed = call.input.safeParse(input ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: clip(`Invalid input for ${callId}: ${describeZodError(parsed.error)}`),
            hint: 'Correct the named field and try again.',
          },
        };
      }
      try {
        const handler = handlers[key] as (input: unknown) => Promise<unknown>;
        const output = call.output.safeParse(await handler(parsed.data));
        if (!output.success) {
          log.error(`Handler ${callId} returned a value outside its contract`, output.error);
          return {
            ok: false,
            error: toAppError(
              new Error(`${callId} answered outside its contract: ${describeZodError(output.error, 'output')}`),
            ),
          };
        }
        return { ok: true, value: output.data };
      } catch (error) {
        // A handler that validates deeper (a plan built from the input) and throws zod's
        // error refused the input: say which field, as the router's own check does.
        if (error instanceof ZodError) {
          return {
            ok: false,
            error: readable({
              code: 'INVALID_INPUT',
              message: `Invalid input for ${callId}: ${describeZodError(error)}`,
              hint: 'Correct the named field and try again.',
            }),
          };
        }
        const appError = toAppError(error);
        if (appError.code === 'INTERNAL') log.error(`Handler ${callId} failed`, error);
        return { ok: false, error: readable(appError) };
      }
    },
    subscribe(eventId, listener) {
      const event = findEvent(eventId);
      const key = eventKeyById.get(eventId);
      if (!event || !key) {
        throw new KindscopeError(
          'UNKNOWN_EVENT',
          `No event named "${eventId}"`,
          'Kindscope and its window are out of step: restart Kindscope.',
        );
      }
      const source = sources[key] as Event<unknown>;
      const subscription = source((payload) => {
        const checked = event.payload.safeParse(payload);
        if (checked.success) listener(checked.data);
        else log.warn(`Dropped an ${eventId} event outside its contract`, checked.error);
      });
      // The transports' bridge hands out plain unsubscribe functions (preload rule: subscriptions return an unsubscribe).
      return () => subscription.dispose();
    },
  };
}
