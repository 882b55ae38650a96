// Which steps the learner has completed, per lesson (DESIGN.md "Security defaults"): a JSON file in
// $XDG_STATE_HOME/stepwise/progress.json, never in the lesson folder, replaced atomically (write a temp file
// in the same folder, fsync, rename), so a crash leaves the old file or the new one, never half of one.
// Writes are serialised; each re-reads the file first, so two servers sharing it lose no step.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { ProgressTracker } from '../terminal/index.ts';

export const PROGRESS_FILE_NAME = 'progress.json';

const progressFileSchema = z.object({
  version: z.literal(1),
  lessons: z.record(z.string(), z.object({ steps: z.record(z.string(), z.object({ completedAt: z.string() })) })),
});
type ProgressFile = z.infer<typeof progressFileSchema>;

export class ProgressStore implements ProgressTracker {
  private data: ProgressFile = { version: 1, lessons: {} };
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly log: Logger,
  ) {}

  static async open(file: string, log: Logger): Promise<ProgressStore> {
    const store = new ProgressStore(file, log);
    store.data = await store.read();
    return store;
  }

  completedSteps(lessonId: string): string[] {
    return Object.keys(this.data.lessons[lessonId]?.steps ?? {});
  }

  markComplete(lessonId: string, stepId: string): Promise<string[]> {
    const write = this.writing.then(async () => {
      const data = await this.read(); // another server may have written since
      const lesson = (data.lessons[lessonId] ??= { steps: {} });
      lesson.steps[stepId] ??= { completedAt: new Date().toISOString() };
      await this.replace(data);
      this.data = data;
      return this.completedSteps(lessonId);
    });
    this.writing = write.catch(() => undefined); // one failed write must not block the next
    return write;
  }

  private async read(): Promise<ProgressFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e: unknown) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, lessons: {} };
      throw e;
    }
    let parsed: ReturnType<typeof progressFileSchema.safeParse>;
    try {
      parsed = progressFileSchema.safeParse(JSON.parse(text));
    } catch (e: unknown) {
      if (!(e instanceof SyntaxError)) throw e;
      parsed = progressFileSchema.safeParse(undefined);
    }
    if (parsed.success) return parsed.data;
    // Keep the unreadable file for the learner to look at, and start again rather than refuse to serve.
    const aside = `${this.file}.unreadable-${Date.now()}`;
    await rename(this.file, aside);
    this.log.warn({ file: this.file, movedTo: aside }, 'progress file was not readable; starting with no progress');
    return { version: 1, lessons: {} };
  }

  private async replace(data: ProgressFile): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await handle.sync();
    } catch (e: unknown) {
      await handle.close();
      await rm(temp, { force: true });
      throw e;
    }
    await handle.close();
    await rename(temp, this.file);
  }
}
