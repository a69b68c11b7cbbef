import { z } from 'zod';
import { AppError } from './errors';

/**
 * Serve mode's WebSocket protocol (JSON text frames). The same call ids and payloads as
 * IPC; only the envelope differs.
 */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('invoke'), seq: z.number().int().nonnegative(), call: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('subscribe'), event: z.string() }),
  z.object({ type: z.literal('unsubscribe'), event: z.string() }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export const WireResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: AppError }),
]);

export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), seq: z.number().int().nonnegative(), result: WireResult }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Path of the WebSocket endpoint and name of the auth cookie in serve mode. */
export const serveWsPath = '/ws';
export const serveTokenCookie = 'kindscope_token';
