// A quiet indicator of the socket: a small dot while all is well, words only when something is wrong.
import { h, replaceChildren } from '../dom.ts';
import { UNREACHABLE_AFTER_TRIES, type ConnectionStatus } from './connection.ts';

export class StatusPill {
  readonly element = h('div', { class: 'status-pill', attrs: { role: 'status', 'aria-live': 'polite' } });

  update(status: ConnectionStatus, failedTries: number): void {
    const [tone, text, detail] = describe(status, failedTries);
    this.element.dataset['tone'] = tone;
    this.element.title = detail;
    const showText = tone !== 'ok';
    replaceChildren(
      this.element,
      h('span', { class: 'status-dot', attrs: { 'aria-hidden': 'true' } }),
      h('span', { class: showText ? 'status-text' : 'visually-hidden' }, text),
      status === 'replaced' || status === 'incompatible'
        ? h(
            'button',
            { class: 'btn btn-sm', attrs: { type: 'button' }, on: { click: () => location.reload() } },
            'Reload',
          )
        : null,
    );
  }
}

function describe(status: ConnectionStatus, failedTries: number): [tone: string, text: string, detail: string] {
  switch (status) {
    case 'connecting':
      return ['wait', 'Connecting…', 'Starting your environment'];
    case 'online':
      return ['ok', 'Connected', 'Connected to your environment'];
    case 'reconnecting':
      return failedTries >= UNREACHABLE_AFTER_TRIES
        ? [
            'bad',
            'Server unreachable, retrying…',
            'The stepwise server does not answer. Your shells keep running there for a while.',
          ]
        : ['wait', 'Reconnecting…', 'The connection dropped; reconnecting to the same shells'];
    case 'replaced':
      return ['bad', 'Opened in another tab', 'This session continues in another tab or window'];
    case 'incompatible':
      return ['bad', 'Server updated', 'The server speaks a newer protocol; reload the page'];
    case 'failed':
      return ['bad', 'No environment', 'The server could not start an environment for this lesson'];
  }
}
