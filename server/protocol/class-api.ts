// JSON shapes of the class API (DESIGN.md "Classes"): joining, the instructor's view, and what the instructor
// may do. zod schemas validate requests on the server and responses on the client; each is typed against its
// interface so the two cannot drift apart.
import { z } from 'zod';

/** Longest class code a join request may carry (characters): XXXX-XXXX with room for spaces a person typed. */
export const MAX_JOIN_CODE_CHARS = 32;
/** Longest name a join request may carry before normalisation (characters); the server's own limit is lower. */
export const MAX_JOIN_NAME_CHARS = 400;
/** Longest broadcast an instructor may send (characters): one line on every learner's page. */
export const MAX_BROADCAST_CHARS = 280;

export interface JoinRequest {
  code: string;
  name: string;
}
export const joinRequestSchema: z.ZodType<JoinRequest> = z.object({
  code: z.string().max(MAX_JOIN_CODE_CHARS),
  name: z.string().max(MAX_JOIN_NAME_CHARS),
});

export interface JoinResponse {
  learnerId: string;
  name: string;
  /** Opening this URL in another browser signs that browser in as this learner. Keep it private. */
  rejoinUrl: string;
}
export const joinResponseSchema: z.ZodType<JoinResponse> = z.object({
  learnerId: z.string(),
  name: z.string(),
  rejoinUrl: z.string(),
});

export type StepStatusView = 'locked' | 'open' | 'passed' | 'failed';

export interface ClassStepView {
  id: string;
  status: StepStatusView;
  attempts: number;
  passedAt: string | null;
  /** The last failed check's reason, for the grid's hover. */
  lastFailure: string | null;
}

/** Where a learner is: the first step they have not passed in the lesson they opened last, and since when. */
export interface OnStepView {
  lessonId: string;
  /** null when every step of the lesson is passed. */
  stepId: string | null;
  /** When they reached it (ISO 8601): they opened the lesson, or passed the step before, whichever is later. */
  since: string;
}

export interface ClassLearnerView {
  id: string;
  name: string;
  online: boolean;
  joinedAt: string;
  onStep: OnStepView | null;
  lessons: Record<string, { steps: ClassStepView[] }>;
}

export interface ClassView {
  name: string;
  code: string;
  learners: ClassLearnerView[];
}

const stepView: z.ZodType<ClassStepView> = z.object({
  id: z.string(),
  status: z.enum(['locked', 'open', 'passed', 'failed']),
  attempts: z.number().int().min(0),
  passedAt: z.string().nullable(),
  lastFailure: z.string().nullable(),
});
const onStepView: z.ZodType<OnStepView> = z.object({
  lessonId: z.string(),
  stepId: z.string().nullable(),
  since: z.string(),
});
export const classLearnerViewSchema: z.ZodType<ClassLearnerView> = z.object({
  id: z.string(),
  name: z.string(),
  online: z.boolean(),
  joinedAt: z.string(),
  onStep: onStepView.nullable(),
  lessons: z.record(z.string(), z.object({ steps: z.array(stepView) })),
});
export const classViewSchema: z.ZodType<ClassView> = z.object({
  name: z.string(),
  code: z.string(),
  learners: z.array(classLearnerViewSchema),
});

export interface BroadcastRequest {
  message: string;
}
export const broadcastRequestSchema: z.ZodType<BroadcastRequest> = z.object({
  message: z.string().trim().min(1).max(MAX_BROADCAST_CHARS),
});

/** What changed in a class: a learner's row (joined, progress, online) or a learner removed. */
export type ClassUpdate = { kind: 'learner'; learner: ClassLearnerView } | { kind: 'removed'; learnerId: string };
export const classUpdateSchema: z.ZodType<ClassUpdate> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('learner'), learner: classLearnerViewSchema }),
  z.object({ kind: z.literal('removed'), learnerId: z.string() }),
]);

/** Join error codes (the body is the usual ApiError). */
export type JoinErrorCode = 'BAD_CLASS_CODE' | 'NAME_TAKEN' | 'BAD_NAME' | 'CLASS_FULL' | 'TOO_MANY_JOINS';
