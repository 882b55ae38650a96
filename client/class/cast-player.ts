// The instructor's in-page player of a learner's recording (an asciicast v2 file), on @xterm/xterm, which the
// page already carries. Not asciinema-player: it runs a WebAssembly terminal emulator, and the page's CSP
// (helmet's defaults: no 'wasm-unsafe-eval') does not let WebAssembly compile.
//
// Play and pause, speed 1×/2×/4×, a seek bar, idle gaps capped (cast-timeline.ts). Playing is one timer to the
// next event; a seek resets the terminal and writes every event up to the new position at once. The terminal,
// the timer and the listeners are owned: dispose() releases them all.
import { Terminal } from '@xterm/xterm';
import { parseCast } from '../../server/protocol/index.ts';
import { h, replaceChildren } from '../dom.ts';
import { DisposableStore, toDisposable, type Disposable } from '../lifecycle.ts';
import { TERMINAL_FONT_FAMILY, terminalThemeOptions, type ThemeName } from '../terminal/themes.ts';
import { clockTime, nextEventIndex, resizeOf, timelineOf, type Timeline } from './cast-timeline.ts';

export const PLAYBACK_SPEEDS = [1, 2, 4] as const;
export type PlaybackSpeed = (typeof PLAYBACK_SPEEDS)[number];
/** Longest wait between timer ticks while playing (ms): the seek bar and clock move smoothly through a long gap. */
const MAX_TICK_MS = 200;
/** Lines kept above the screen while replaying, as in a learner's own terminal. */
const SCROLLBACK_LINES = 5000;

export class CastPlayer implements Disposable {
  readonly element: HTMLElement;
  private readonly store = new DisposableStore();
  private readonly term: Terminal | null = null;
  private readonly timeline: Timeline | null = null;
  private readonly screen = h('div', { class: 'cast-screen', attrs: { 'data-testid': 'cast-screen' } });
  private readonly playButton = h('button', { class: 'btn btn-sm', attrs: { type: 'button' } }, 'Play');
  private readonly seekBar = h('input', { attrs: { type: 'range', min: 0, step: 'any', value: 0 } });
  private readonly clock = h('span', { class: 'cast-clock', attrs: { 'aria-live': 'off' } });
  private readonly speedButtons = new Map<PlaybackSpeed, HTMLButtonElement>();
  private position = 0; // seconds on the playback clock
  private next = 0; // index of the next event to write
  private speed: PlaybackSpeed = 1;
  /** While playing: the wall time (ms) at which the playback clock read `position`. */
  private playingSince: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** A player of the cast `text`; a file that is not a valid cast shows why instead. */
  constructor(text: string, theme: ThemeName, label: string) {
    const parsed = parseCast(text);
    if (!parsed.ok) {
      this.element = h(
        'div',
        { class: 'cast-player cast-error', attrs: { role: 'alert' } },
        `This recording cannot be played: ${parsed.error}.`,
      );
      return;
    }
    this.timeline = timelineOf(parsed.cast);
    this.term = new Terminal({
      cols: this.timeline.width,
      rows: this.timeline.height,
      fontFamily: TERMINAL_FONT_FAMILY,
      fontSize: 13,
      scrollback: SCROLLBACK_LINES,
      disableStdin: true,
      cursorBlink: false,
      ...terminalThemeOptions(theme),
    });
    this.store.add(this.term);
    this.store.add(toDisposable(() => this.stopTimer()));
    this.seekBar.max = String(this.timeline.duration);
    this.seekBar.setAttribute('aria-label', 'Position in the recording');
    this.seekBar.addEventListener('input', () => this.seek(Number(this.seekBar.value)));
    this.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    const speeds = PLAYBACK_SPEEDS.map((s) => {
      const button = h(
        'button',
        {
          class: 'btn btn-sm btn-ghost',
          attrs: { type: 'button', 'aria-pressed': String(s === this.speed), 'aria-label': `Speed ${s}×` },
          on: { click: () => this.setSpeed(s) },
        },
        `${s}×`,
      );
      this.speedButtons.set(s, button);
      return button;
    });
    this.element = h(
      'div',
      { class: 'cast-player', attrs: { role: 'region', 'aria-label': label } },
      this.screen,
      h(
        'div',
        { class: 'cast-controls' },
        this.playButton,
        this.seekBar,
        this.clock,
        h('span', { class: 'cast-speeds', attrs: { role: 'group', 'aria-label': 'Speed' } }, ...speeds),
      ),
    );
    this.showPosition();
  }

  get playing(): boolean {
    return this.playingSince !== null;
  }

  /** Seconds on the playback clock (idle gaps capped). */
  get duration(): number {
    return this.timeline?.duration ?? 0;
  }

  /** Opens the terminal into the player; the element must be in the document (xterm measures the font). */
  open(): void {
    if (!this.term || this.term.element) return;
    this.term.open(this.screen);
  }

  play(): void {
    if (!this.timeline || this.playing) return;
    if (this.position >= this.timeline.duration) this.seek(0); // from the start again
    this.playingSince = performance.now();
    this.playButton.textContent = 'Pause';
    this.tick();
  }

  pause(): void {
    if (!this.playing) return;
    this.position = this.clockNow();
    this.playingSince = null;
    this.stopTimer();
    this.playButton.textContent = 'Play';
    this.showPosition();
  }

  setSpeed(speed: PlaybackSpeed): void {
    if (this.playing) {
      this.position = this.clockNow();
      this.playingSince = performance.now();
    }
    this.speed = speed;
    for (const [s, button] of this.speedButtons) button.setAttribute('aria-pressed', String(s === speed));
  }

  /** Shows the terminal as it was at `seconds`: a reset, then every event up to there at once. */
  seek(seconds: number): void {
    const { term, timeline } = this;
    if (!term || !timeline) return;
    const to = Math.min(Math.max(0, seconds), timeline.duration);
    term.reset();
    term.resize(timeline.width, timeline.height);
    this.next = 0;
    this.position = to;
    if (this.playing) this.playingSince = performance.now();
    this.writeUpTo(to);
    this.showPosition();
    if (this.playing) this.tick();
  }

  dispose(): void {
    this.playingSince = null;
    this.store.dispose();
    replaceChildren(this.screen);
  }

  /** Writes what is due, then sleeps until the next event (at most MAX_TICK_MS, to move the seek bar). */
  private tick(): void {
    this.stopTimer();
    const timeline = this.timeline;
    if (!timeline || !this.playing || this.store.isDisposed) return;
    const now = this.clockNow();
    this.writeUpTo(now);
    if (this.next >= timeline.events.length) {
      this.position = timeline.duration;
      this.pause();
      return;
    }
    const due = timeline.events[this.next]?.at ?? timeline.duration;
    const wait = Math.min(MAX_TICK_MS, Math.max(0, ((due - now) * 1000) / this.speed));
    this.showPosition(now);
    this.timer = setTimeout(() => this.tick(), wait);
  }

  /** Writes the events from `next` up to `position`, joining runs of output into one write. */
  private writeUpTo(position: number): void {
    const { term, timeline } = this;
    if (!term || !timeline) return;
    const end = nextEventIndex(timeline.events, position);
    let text = '';
    for (let i = this.next; i < end; i++) {
      const event = timeline.events[i];
      if (!event) break;
      if (event.code === 'o') text += event.data;
      else if (event.code === 'r') {
        const size = resizeOf(event.data);
        if (!size) continue;
        if (text !== '') term.write(text);
        text = '';
        term.resize(size.cols, size.rows);
      }
      // 'i' (input) is echoed in the output already; 'm' markers are labels, not screen content.
    }
    if (text !== '') term.write(text);
    this.next = Math.max(this.next, end);
  }

  private clockNow(): number {
    if (this.playingSince === null) return this.position;
    return Math.min(this.duration, this.position + ((performance.now() - this.playingSince) / 1000) * this.speed);
  }

  private showPosition(at = this.clockNow()): void {
    this.seekBar.value = String(at);
    this.clock.textContent = `${clockTime(at)} / ${clockTime(this.duration)}`;
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
