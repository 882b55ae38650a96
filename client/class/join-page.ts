// /join: a learner types the class code and their name. Plain and accessible: real labels, one form, errors
// announced (role=alert) and tied to the field they concern (aria-describedby, aria-invalid), focus moved to
// what needs fixing. On success it shows the learner's personal rejoin link (for another browser) and the way in.
import { h, replaceChildren } from '../dom.ts';
import { sentence } from '../format.ts';
import type { Disposable } from '../lifecycle.ts';
import type { ThemeController } from '../ui/theme.ts';
import { Topbar } from '../ui/topbar.ts';
import { homeShell } from '../ui/home-shell.ts';
import { postJoin } from './join-api.ts';

/** Matches the server's limit (server/class/limits.ts): the field stops there rather than failing later. */
const NAME_MAX_CHARS = 40;

export class JoinPage implements Disposable {
  private readonly topbar: Topbar;

  constructor(
    private readonly root: HTMLElement,
    theme: ThemeController,
  ) {
    this.topbar = new Topbar(theme, []);
    document.title = 'Join the class · stepwise';
    const error = h('p', { class: 'join-error', attrs: { id: 'join-error', role: 'alert' } });
    const code = h('input', {
      attrs: {
        id: 'join-code',
        name: 'code',
        required: true,
        autocomplete: 'off',
        autocapitalize: 'characters',
        spellcheck: 'false',
        placeholder: 'XXXX-XXXX',
        maxlength: 32,
      },
    });
    const name = h('input', {
      attrs: { id: 'join-name', name: 'name', required: true, autocomplete: 'name', maxlength: NAME_MAX_CHARS },
    });
    const submit = h('button', { class: 'btn btn-primary', attrs: { type: 'submit' } }, 'Join');
    const form = h(
      'form',
      { class: 'join-form', attrs: { 'aria-labelledby': 'join-title', novalidate: true } },
      h('label', { attrs: { for: 'join-code' } }, 'Class code'),
      code,
      h('label', { attrs: { for: 'join-name' } }, 'Your name'),
      name,
      h(
        'p',
        { class: 'join-help', attrs: { id: 'join-name-help' } },
        `As the instructor will see it; up to ${NAME_MAX_CHARS} characters.`,
      ),
      error,
      submit,
    );
    name.setAttribute('aria-describedby', 'join-name-help join-error');
    code.setAttribute('aria-describedby', 'join-error');
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      for (const field of [code, name]) field.removeAttribute('aria-invalid');
      void postJoin(code.value, name.value).then((outcome) => {
        submit.disabled = false;
        if (outcome.ok) {
          this.showJoined(outcome.joined.name, outcome.joined.rejoinUrl);
          return;
        }
        error.textContent = sentence(outcome.message);
        const field =
          outcome.code === 'BAD_NAME' || outcome.code === 'NAME_TAKEN'
            ? name
            : outcome.code === 'BAD_CLASS_CODE'
              ? code
              : null;
        field?.setAttribute('aria-invalid', 'true');
        (field ?? submit).focus();
      });
    });
    this.render(
      h('h1', { attrs: { id: 'join-title' } }, 'Join the class'),
      h('p', { class: 'home-sub' }, "Type the code on the instructor's screen, and your name."),
      form,
    );
    code.focus();
  }

  static mount(root: HTMLElement, theme: ThemeController): JoinPage {
    return new JoinPage(root, theme);
  }

  dispose(): void {
    this.topbar.dispose();
  }

  private showJoined(name: string, rejoinUrl: string): void {
    const go = h('a', { class: 'btn btn-primary', attrs: { href: '/' } }, 'Go to the lessons');
    this.render(
      h('h1', { attrs: { id: 'join-title', tabindex: -1 } }, `Welcome, ${name}`),
      h('p', { class: 'home-sub' }, 'You are in the class. Your work is kept under your name.'),
      h(
        'p',
        { class: 'join-help' },
        'To continue in another browser, open your personal link there. Keep it to yourself: it signs in as you. ',
        h('a', { attrs: { href: rejoinUrl, 'data-testid': 'rejoin-link' } }, 'Your personal link'),
      ),
      go,
    );
    go.focus();
  }

  private render(...content: (HTMLElement | null)[]): void {
    replaceChildren(this.root, homeShell(this.topbar, 'join', ...content));
  }
}
