// What the lesson page knows besides the lesson itself: which steps are complete, each cell's latest run, each
// step's latest check and how much help was revealed. Fed by server messages; read by the views. No DOM:
// unit-tested under node.
import type { ServerMessage } from '../../server/protocol/index.ts';
import type { CellRunState, CheckState, HelpState } from './run-state.ts';

/** What a message changed, so the page redraws only that. */
export type StateChange =
  { kind: 'cell'; cellId: string } | { kind: 'check'; stepId: string } | { kind: 'progress' } | { kind: 'none' };

const IDLE_CELL: CellRunState = { state: 'idle' };
const IDLE_CHECK: CheckState = { state: 'idle' };
const NO_HELP: HelpState = { hintsShown: 0, solutionShown: false };

export class LessonState {
  private completedSet = new Set<string>();
  private readonly cells = new Map<string, CellRunState>();
  private readonly checks = new Map<string, CheckState>();
  private readonly help = new Map<string, HelpState>();
  /** Finished runs, oldest first; a cell run again moves to the end (a notebook's execution order). */
  private readonly finished = new Map<string, Extract<ServerMessage, { type: 'runResult' }>>();

  get completed(): ReadonlySet<string> {
    return this.completedSet;
  }

  cell(id: string): CellRunState {
    return this.cells.get(id) ?? IDLE_CELL;
  }

  check(stepId: string): CheckState {
    return this.checks.get(stepId) ?? IDLE_CHECK;
  }

  helpFor(stepId: string): HelpState {
    return this.help.get(stepId) ?? NO_HELP;
  }

  setHelp(stepId: string, next: HelpState): void {
    this.help.set(stepId, next);
  }

  /** Replaces the completed set; returns whether it changed. */
  setCompleted(ids: readonly string[]): boolean {
    const next = new Set(ids);
    const same = next.size === this.completedSet.size && [...next].every((id) => this.completedSet.has(id));
    this.completedSet = next;
    return !same;
  }

  /** Marks a Run or Check as sent, before the server answers. */
  runSent(cellId: string): void {
    this.cells.set(cellId, { state: 'sent' });
  }

  /** A Run the server never acknowledged (a no-newline cell, say) goes back to idle. Returns whether it did. */
  dropUnanswered(cellId: string): boolean {
    if (this.cell(cellId).state !== 'sent') return false;
    this.cells.delete(cellId);
    return true;
  }

  /** After a server error: Runs and Checks it never acknowledged will not be answered. Returns what changed. */
  abandonWaiting(): { cells: string[]; steps: string[] } {
    const cells = [...this.cells].filter(([, s]) => s.state === 'sent').map(([id]) => id);
    const steps = [...this.checks].filter(([, s]) => s.state === 'checking').map(([id]) => id);
    for (const id of cells) this.cells.delete(id);
    for (const id of steps) this.checks.delete(id);
    return { cells, steps };
  }

  checkSent(stepId: string): void {
    this.checks.set(stepId, { state: 'checking' });
  }

  /** Forgets runs and checks: the environment they describe is gone (Reset, or a fresh environment). */
  clearRuns(): void {
    this.cells.clear();
    this.checks.clear();
    this.finished.clear();
  }

  /** The finished runs in the order they finished, each cell at its latest run. */
  runsInOrder(): ReadonlyMap<string, Extract<ServerMessage, { type: 'runResult' }>> {
    return this.finished;
  }

  /** Applies the run, check and progress messages. Others are the page's business and change nothing here. */
  apply(msg: ServerMessage): StateChange {
    switch (msg.type) {
      case 'runQueued':
        this.cells.set(msg.cellId, { state: 'queued', position: msg.position });
        return { kind: 'cell', cellId: msg.cellId };
      case 'runStarted':
        this.cells.set(msg.cellId, { state: 'running' });
        return { kind: 'cell', cellId: msg.cellId };
      case 'runResult':
        this.cells.set(msg.cellId, { state: 'done', result: msg });
        this.finished.delete(msg.cellId);
        this.finished.set(msg.cellId, msg);
        return { kind: 'cell', cellId: msg.cellId };
      case 'checkResult':
        this.checks.set(msg.stepId, { state: 'done', message: msg });
        return { kind: 'check', stepId: msg.stepId };
      case 'progress':
        return this.setCompleted(msg.completedSteps) ? { kind: 'progress' } : { kind: 'none' };
      case 'welcome':
        return this.setCompleted(msg.completedSteps) ? { kind: 'progress' } : { kind: 'none' };
      default:
        return { kind: 'none' };
    }
  }
}
