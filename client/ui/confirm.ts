// A modal question with two answers, on the native <dialog> (focus trap, Escape to cancel, inert background).
import { h } from '../dom.ts';

export interface ConfirmOptions {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
}

export function confirmDialog(opts: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h('button', { class: 'btn', attrs: { type: 'button', value: 'cancel' } }, 'Cancel');
    const ok = h(
      'button',
      { class: opts.danger ? 'btn btn-danger' : 'btn btn-primary', attrs: { type: 'button', value: 'ok' } },
      opts.confirmLabel,
    );
    const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
    const dialog = h(
      'dialog',
      { class: 'dialog', attrs: { 'aria-labelledby': titleId } },
      h('h2', { class: 'dialog-title', attrs: { id: titleId } }, opts.title),
      h('p', { class: 'dialog-body' }, opts.body),
      h('div', { class: 'dialog-actions' }, cancel, ok),
    );
    const finish = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
