// The instructor's routes for learners' recordings (issue 11): a learner's list, and one cast as a download.
// Mounted under /api/class, which requireRole already refuses to learners; this router checks the role again.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { castFileName, type ClassRecorder, type Classroom } from '../class/index.ts';
import { ASCIICAST_MEDIA_TYPE, type RecordingList } from '../protocol/index.ts';
import { HttpError } from './http-error.ts';
import { requireInstructor } from './roles.ts';
import { rosterLearner } from './learner-param.ts';

export interface RecordingRouteDeps {
  classroom: Classroom;
  recorder: ClassRecorder;
}

/** Recording ids are 16 hex; anything longer than this is not one (characters). */
const recordingIdParam = z.string().min(1).max(64);

export function recordingRoutes(deps: RecordingRouteDeps): Router {
  const router = Router();
  router.use(requireInstructor);
  router.get('/learners/:id/recordings', async (req, res) => {
    const learnerId = rosterLearner(deps.classroom, req.params.id);
    const body: RecordingList = { learnerId, recordings: await deps.recorder.list(learnerId) };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });
  router.get('/learners/:id/recordings/:recording', async (req, res) => {
    const learnerId = rosterLearner(deps.classroom, req.params.id);
    const recordingId = recordingIdParam.safeParse(req.params.recording);
    const file = recordingId.success ? await deps.recorder.find(learnerId, recordingId.data) : undefined;
    if (!file) {
      throw new HttpError(
        404,
        'RECORDING_NOT_FOUND',
        `no recording ${req.params.recording.slice(0, 64)} of learner ${learnerId}`,
      );
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', ASCIICAST_MEDIA_TYPE);
    // castFileName is plain ASCII without quotes or backslashes, so it goes in the quoted form as it is.
    res.setHeader('Content-Disposition', `attachment; filename="${castFileName(file.meta)}"`);
    res.setHeader('Content-Length', String(file.bytes));
    if (file.bytes === 0 || req.method === 'HEAD') {
      res.end();
      return;
    }
    // A live cast is served up to its last whole line; the rest is still being written.
    try {
      await pipeline(createReadStream(file.path, { start: 0, end: file.bytes - 1 }), res);
    } catch (e: unknown) {
      if (!res.destroyed) throw e; // else the instructor's browser went away mid-download: nothing to answer
    }
  });
  return router;
}
