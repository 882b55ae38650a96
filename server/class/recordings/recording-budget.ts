// How many cast bytes each learner, and the class, may still write (limits.ts). A recording reserves its whole
// cap when it starts and gives back what it did not write when it ends, so live recordings together can never
// pass the budget. What earlier runs of the class left on disk counts from the start.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_CLASS_RECORDING_BYTES, MAX_LEARNER_RECORDING_BYTES } from './limits.ts';

export interface RecordingBudgetLimits {
  perLearner: number;
  perClass: number;
}

export class RecordingBudget {
  private readonly used = new Map<string, number>();
  private total = 0;

  constructor(
    castsDir: string,
    private readonly limits: RecordingBudgetLimits = {
      perLearner: MAX_LEARNER_RECORDING_BYTES,
      perClass: MAX_CLASS_RECORDING_BYTES,
    },
  ) {
    for (const [learnerId, bytes] of castBytesOnDisk(castsDir)) this.add(learnerId, bytes);
  }

  /** Bytes this learner's next recording may write. */
  left(learnerId: string): number {
    const learnerLeft = this.limits.perLearner - (this.used.get(learnerId) ?? 0);
    return Math.max(0, Math.min(learnerLeft, this.limits.perClass - this.total));
  }

  reserve(learnerId: string, bytes: number): void {
    this.add(learnerId, bytes);
  }

  /** A recording ended having written `written` of the `reserved` bytes. */
  settle(learnerId: string, reserved: number, written: number): void {
    this.add(learnerId, Math.min(written, reserved) - reserved);
  }

  private add(learnerId: string, bytes: number): void {
    this.used.set(learnerId, (this.used.get(learnerId) ?? 0) + bytes);
    this.total += bytes;
  }
}

/** Per learner folder, the total size of its `.cast` files. An unreadable folder counts as empty. */
function castBytesOnDisk(castsDir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let learners: string[];
  try {
    learners = readdirSync(castsDir);
  } catch {
    return sizes;
  }
  for (const learner of learners) {
    let files: string[];
    try {
      files = readdirSync(join(castsDir, learner)).filter((f) => f.endsWith('.cast'));
    } catch {
      continue;
    }
    let bytes = 0;
    for (const file of files) {
      try {
        bytes += statSync(join(castsDir, learner, file)).size;
      } catch {
        // removed meanwhile
      }
    }
    sizes.set(learner, bytes);
  }
  return sizes;
}
