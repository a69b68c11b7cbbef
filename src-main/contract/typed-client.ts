import type { KindscopeBridge, KindscopeClient } from './client';
import { findCall, findEvent } from './calls';
import { describeZodError, type Result } from './errors';
import { WireResult } from './wire';

/**
 * Wraps an untyped bridge (Electron preload, WebSocket, in-process router) into the typed
 * client. Results are parsed against the contract: a transport can never hand the UI a
 * value of the wrong shape.
 */
export function createTypedClient(
  bridge: KindscopeBridge,
  extra?: Pick<KindscopeClient, 'onDidChangeConnection'>,
): KindscopeClient {
  return {
    async invoke(id, input) {
      const raw = WireResult.safeParse(await bridge.invoke(id, input));
      if (!raw.success)
        return transportError(`The answer to ${id} is not a result: ${describeZodError(raw.error, 'result')}`);
      if (!raw.data.ok) return raw.data;
      const call = findCall(id);
      if (!call) return transportError(`Unknown call ${id}`);
      const value = call.output.safeParse(raw.data.value);
      if (!value.success)
        return transportError(
          `The answer to ${id} does not match the contract: ${describeZodError(value.error, 'output')}`,
        );
      // The schema found by id is the one the generic parameter names.
      return { ok: true, value: value.data as never };
    },
    subscribe(id, listener) {
      const event = findEvent(id);
      return bridge.subscribe(id, (payload) => {
        const parsed = event?.payload.safeParse(payload);
        if (parsed?.success) listener(parsed.data as never);
        else console.warn(`Dropped a malformed ${id} event`, parsed?.error);
      });
    },
    ...extra,
  };
}

function transportError(message: string): Result<never> {
  return {
    ok: false,
    error: { code: 'TRANSPORT', message, hint: 'Kindscope and its window are out of step: restart Kindscope.' },
  };
}
