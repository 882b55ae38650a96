// The wire protocol between the browser and the server: one WebSocket per session.
// Binary frames carry terminal bytes (see frames.ts); text frames carry these JSON messages.
// Pure types and codecs: no Node and no DOM imports, so both ends compile it.
import { z } from 'zod';
import { CLOSE_BAD_MESSAGE, CLOSE_BAD_VERSION, ERROR_CODES } from './errors.ts';
import { MAX_BROADCAST_CHARS, classUpdateSchema, classViewSchema } from './class-api.ts';

export const PROTOCOL_VERSION = 1;

/** The closed list of error codes, as the wire checks it. */
export const errorCodeSchema = z.enum(ERROR_CODES);

const term = z.number().int().min(0).max(15); // 0 = T1; MAX_TERMINALS_PER_SESSION bounds it further
const id = z.string().min(1).max(200);

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(1),
    type: z.literal('hello'),
    lessonId: id,
    /** Sent on reconnect: the session to reattach to. */
    sessionId: id.optional(),
    cols: z.number().int(),
    rows: z.number().int(),
  }),
  z.object({ v: z.literal(1), type: z.literal('resize'), term, cols: z.number().int(), rows: z.number().int() }),
  z.object({
    v: z.literal(1),
    type: z.literal('ack'),
    term,
    bytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31),
  }),
  z.object({ v: z.literal(1), type: z.literal('run'), cellId: id }),
  /** Write a file cell's text at its path in the learner's environment. The lesson names the path and the
   *  text, never the client; the answer is runStarted and runResult for the cell, as for a run. */
  z.object({ v: z.literal(1), type: z.literal('writeFile'), cellId: id }),
  z.object({ v: z.literal(1), type: z.literal('interrupt'), term }),
  z.object({ v: z.literal(1), type: z.literal('check'), stepId: id }),
  z.object({ v: z.literal(1), type: z.literal('reset') }),
  /** Open a terminal tab (T2...) or restart one whose shell exited. */
  z.object({ v: z.literal(1), type: z.literal('openTerminal'), term }),
  /** Replay the cells of steps before `stepId` into a fresh environment ("Catch up"). */
  z.object({ v: z.literal(1), type: z.literal('catchUp'), stepId: id }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

const checkOutcome = z.object({
  kind: z.string(),
  target: z.string(),
  passed: z.boolean(),
  expected: z.string(),
  seen: z.string(),
  hint: z.string().optional(),
  /** Set when the check inspected an image: what the explorer can open. */
  inspectSource: z.string().optional(),
});
export type CheckOutcome = z.infer<typeof checkOutcome>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    v: z.literal(1),
    type: z.literal('welcome'),
    sessionId: id,
    /** true when the environment was created for this connection (nothing ran in it yet). */
    fresh: z.boolean(),
    terminals: z.array(term),
    completedSteps: z.array(id),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal('snapshot'),
    term,
    data: z.string(),
    seq: z.number().int().min(0),
    /** The screen's size, for a reader that does not set it (the instructor's watch view sizes its screen to it). */
    cols: z.number().int().min(1).optional(),
    rows: z.number().int().min(1).optional(),
  }),
  z.object({ v: z.literal(1), type: z.literal('runQueued'), cellId: id, position: z.number().int().min(0) }),
  z.object({ v: z.literal(1), type: z.literal('runStarted'), cellId: id }),
  z.object({
    v: z.literal(1),
    type: z.literal('runResult'),
    cellId: id,
    exitCode: z.number().int().nullable(), // null when interrupted before the shell reported
    output: z.string(),
    durationMs: z.number().min(0),
    truncated: z.boolean(),
  }),
  z.object({
    v: z.literal(1),
    type: z.literal('checkResult'),
    stepId: id,
    passed: z.boolean(),
    results: z.array(checkOutcome),
  }),
  z.object({ v: z.literal(1), type: z.literal('progress'), completedSteps: z.array(id) }),
  z.object({ v: z.literal(1), type: z.literal('exited'), term, exitCode: z.number().int().nullable() }),
  z.object({ v: z.literal(1), type: z.literal('resetDone'), ok: z.boolean(), message: z.string().optional() }),
  z.object({ v: z.literal(1), type: z.literal('catchUpDone'), ok: z.boolean(), message: z.string().optional() }),
  z.object({ v: z.literal(1), type: z.literal('lessonChanged'), lessonId: id }),
  z.object({ v: z.literal(1), type: z.literal('error'), code: errorCodeSchema, message: z.string() }),
  /** The instructor's socket: the whole class once after `hello {role: 'instructor'}`... */
  z.object({ v: z.literal(1), type: z.literal('classState'), view: classViewSchema }),
  /** ...then each change as it happens. */
  z.object({ v: z.literal(1), type: z.literal('classUpdate'), update: classUpdateSchema }),
  /**
   * The instructor's socket, after `watch`: whose terminals it now shows (sessionId null while the learner has no
   * session of the lesson open; it follows the next one they open). Each terminal's snapshot and output follow.
   */
  z.object({
    v: z.literal(1),
    type: z.literal('watching'),
    learnerId: id,
    lessonId: id,
    sessionId: id.nullable(),
    terminals: z.array(term),
  }),
  /** A short message from the class's instructor, for every learner's page. */
  z.object({ v: z.literal(1), type: z.literal('broadcast'), message: z.string().max(MAX_BROADCAST_CHARS) }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** Distributes Omit over a union so each message keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ServerMessageBody = DistributiveOmit<ServerMessage, 'v'>;
export type ClientMessageBody = DistributiveOmit<ClientMessage, 'v'>;

export type DecodeResult<T> = { ok: true; message: T } | { ok: false; closeCode: number; reason: string };

function decode<T>(text: string, schema: z.ZodType<T>): DecodeResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, closeCode: CLOSE_BAD_MESSAGE, reason: 'message is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || !('v' in raw)) {
    return { ok: false, closeCode: CLOSE_BAD_VERSION, reason: 'message has no protocol version' };
  }
  if ((raw as { v: unknown }).v !== PROTOCOL_VERSION) {
    return { ok: false, closeCode: CLOSE_BAD_VERSION, reason: `unsupported protocol version` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      closeCode: CLOSE_BAD_MESSAGE,
      reason: `invalid message: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    };
  }
  return { ok: true, message: parsed.data };
}

/** The instructor's socket opens with this instead of a lesson's hello (DESIGN.md "Instructor live view"). */
export const instructorHelloSchema = z.object({
  v: z.literal(1),
  type: z.literal('hello'),
  role: z.literal('instructor'),
});
export type InstructorHello = z.infer<typeof instructorHelloSchema>;

/** What the instructor's socket may send after its hello: watch a learner's terminals in a lesson, or stop. */
export const instructorMessageSchema = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('watch'), learnerId: id, lessonId: id }),
  z.object({ v: z.literal(1), type: z.literal('unwatch') }),
]);
export type InstructorMessage = z.infer<typeof instructorMessageSchema>;
export type InstructorMessageBody = DistributiveOmit<InstructorMessage, 'v'>;

export function decodeInstructorMessage(text: string): DecodeResult<InstructorMessage> {
  return decode(text, instructorMessageSchema);
}

export function encodeInstructorMessage(body: InstructorMessageBody): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...body });
}

/** A first message that is the instructor's hello, or null (then it is decoded as a client message). */
export function decodeInstructorHello(text: string): InstructorHello | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = instructorHelloSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function encodeInstructorHello(): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', role: 'instructor' } satisfies InstructorHello);
}

export function decodeClientMessage(text: string): DecodeResult<ClientMessage> {
  return decode(text, clientMessageSchema);
}

export function decodeServerMessage(text: string): DecodeResult<ServerMessage> {
  return decode(text, serverMessageSchema);
}

export function encodeServerMessage(body: ServerMessageBody): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...body });
}

export function encodeClientMessage(body: ClientMessageBody): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...body });
}
