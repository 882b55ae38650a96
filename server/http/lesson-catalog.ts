// The lessons a server serves: discovered under its root at start, and again when files change (--watch).
import { watch, type FSWatcher } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { discoverLessons } from '../lesson/index.ts';
import type { Lesson } from '../lesson/index.ts';
import { DisposableStore, Emitter, toDisposable, type Disposable } from '../protocol/index.ts';

/** File events are gathered this long (ms) before reloading: an editor's save is several events. */
const WATCH_DEBOUNCE_MS = 200;

export class LessonCatalog implements Disposable {
  private readonly store = new DisposableStore();
  private readonly _onChanged = this.store.add(new Emitter<Lesson[]>());
  /** Lessons whose content changed on a reload (added ones included). */
  readonly onChanged = this._onChanged.event;
  private lessons = new Map<string, { lesson: Lesson; fingerprint: string }>();

  private constructor(
    readonly root: string,
    private readonly log: Logger,
  ) {}

  static async load(root: string, log: Logger): Promise<LessonCatalog> {
    const catalog = new LessonCatalog(resolve(root), log);
    await catalog.reload();
    return catalog;
  }

  list(): Lesson[] {
    return [...this.lessons.values()].map((e) => e.lesson);
  }

  get(id: string): Lesson | undefined {
    return this.lessons.get(id)?.lesson;
  }

  /** Loads everything again and returns the lessons that changed. */
  async reload(): Promise<Lesson[]> {
    const loaded = await discoverLessons(this.root);
    const next = new Map<string, { lesson: Lesson; fingerprint: string }>();
    const changed: Lesson[] = [];
    for (const lesson of loaded) {
      const fingerprint = JSON.stringify(lesson);
      next.set(lesson.id, { lesson, fingerprint });
      if (this.lessons.get(lesson.id)?.fingerprint !== fingerprint) changed.push(lesson);
    }
    this.lessons = next;
    return changed;
  }

  /** Reloads on file changes under the root and fires onChanged. */
  watch(): void {
    let timer: Disposable | null = null;
    let watcher: FSWatcher;
    try {
      watcher = watch(this.root, { recursive: true });
    } catch (e: unknown) {
      this.log.warn({ err: e, root: this.root }, 'cannot watch the lesson folder; --watch is off');
      return;
    }
    watcher.on('error', (e) => this.log.warn({ err: e }, 'watching the lesson folder failed'));
    watcher.on('change', () => {
      timer?.dispose();
      timer = this.store.timeout(() => {
        timer = null;
        this.reload().then(
          (changed) => {
            if (changed.length > 0) {
              this.log.info({ lessons: changed.map((l) => l.id) }, 'lessons changed');
              this._onChanged.fire(changed);
            }
          },
          (e: unknown) => this.log.warn({ err: e }, 'reloading lessons failed'),
        );
      }, WATCH_DEBOUNCE_MS);
    });
    this.store.add(toDisposable(() => watcher.close()));
  }

  dispose(): void {
    this.store.dispose();
  }
}
