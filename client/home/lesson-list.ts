// The home page: every lesson the server offers, as cards with what it takes (time, difficulty, needs), a clear
// notice when this host cannot meet a need (e.g. no Docker engine), and the learner's progress.
import type { LessonSummary } from '../../server/protocol/index.ts';
import { fetchLessons } from '../api.ts';
import { h, icon, replaceChildren } from '../dom.ts';
import { sentence } from '../format.ts';
import type { Disposable } from '../lifecycle.ts';
import { requirementName } from '../requirements.ts';
import { lessonHref } from '../route.ts';
import { ICONS } from '../ui/icons.ts';
import type { ThemeController } from '../ui/theme.ts';
import { Topbar } from '../ui/topbar.ts';
import { homeShell } from '../ui/home-shell.ts';

export class LessonListPage implements Disposable {
  private readonly topbar: Topbar;

  constructor(root: HTMLElement, lessons: LessonSummary[], theme: ThemeController) {
    this.topbar = new Topbar(theme, []);
    document.title = 'Lessons · stepwise';
    const started = lessons.filter((l) => l.completedSteps > 0).length;
    replaceChildren(
      root,
      homeShell(
        this.topbar,
        '',
        h(
          'header',
          { class: 'home-head' },
          h('h1', null, 'Lessons'),
          h(
            'p',
            { class: 'home-sub' },
            'Read a step, run its commands in a real shell beside it, and check your work as you go.',
          ),
          lessons.length > 0
            ? h(
                'p',
                { class: 'home-meta' },
                `${lessons.length} ${lessons.length === 1 ? 'lesson' : 'lessons'}${started > 0 ? ` · ${started} in progress` : ''}`,
              )
            : null,
        ),
        lessons.length === 0
          ? h(
              'p',
              { class: 'empty' },
              'No lessons here yet. Start the server with a folder of lessons: ',
              h('code', null, 'stepwise serve DIR'),
            )
          : h('ul', { class: 'lesson-grid', attrs: { role: 'list' } }, ...lessons.map(card)),
      ),
    );
  }

  static async mount(root: HTMLElement, theme: ThemeController): Promise<LessonListPage> {
    return new LessonListPage(root, await fetchLessons(), theme);
  }

  dispose(): void {
    this.topbar.dispose();
  }
}

function card(l: LessonSummary): HTMLElement {
  const titleId = `lesson-${l.id.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  const meta: HTMLElement[] = [];
  if (l.time) meta.push(h('span', { class: 'meta-item' }, icon(ICONS.clock), l.time));
  if (l.difficulty)
    meta.push(
      h(
        'span',
        { class: 'meta-item' },
        h('span', { class: `level level-${l.difficulty.toLowerCase()}`, attrs: { 'aria-hidden': 'true' } }),
        l.difficulty,
      ),
    );
  meta.push(h('span', { class: 'meta-item' }, icon(ICONS.book), `${l.steps} ${l.steps === 1 ? 'step' : 'steps'}`));
  for (const r of l.requires)
    meta.push(
      h(
        'span',
        { class: 'meta-item meta-needs' },
        icon(r === 'docker' ? ICONS.docker : ICONS.alert),
        `Needs ${requirementName(r)}`,
      ),
    );
  const pct = l.steps === 0 ? 0 : Math.round((l.completedSteps / l.steps) * 100);
  const fill = h('span', { class: 'progress-fill' });
  fill.style.width = `${pct}%`;
  const status =
    l.completedSteps === 0
      ? 'Not started'
      : l.completedSteps >= l.steps
        ? 'Completed'
        : `${l.completedSteps} of ${l.steps} steps done`;
  const action = l.completedSteps === 0 ? 'Start' : l.completedSteps >= l.steps ? 'Review' : 'Continue';
  return h(
    'li',
    { class: `lesson-card${l.unmet.length > 0 ? ' has-unmet' : ''}`, attrs: { 'aria-labelledby': titleId } },
    h(
      'h2',
      { class: 'lesson-title', attrs: { id: titleId } },
      h('a', { class: 'lesson-link', attrs: { href: lessonHref(l.id) } }, l.title),
    ),
    l.description ? h('p', { class: 'lesson-desc' }, l.description) : null,
    h('div', { class: 'lesson-meta' }, ...meta),
    ...l.unmet.map((u) =>
      h(
        'p',
        { class: 'notice notice-warn' },
        icon(ICONS.alert),
        h(
          'span',
          null,
          h('strong', null, `${requirementName(u.requirement)} is not available on this host. `),
          sentence(u.reason),
        ),
      ),
    ),
    h(
      'div',
      { class: 'lesson-foot' },
      h(
        'div',
        { class: 'progress progress-card' },
        h(
          'span',
          {
            class: 'progress-track',
            attrs: {
              role: 'progressbar',
              'aria-label': `Progress in ${l.title}`,
              'aria-valuemin': 0,
              'aria-valuemax': l.steps,
              'aria-valuenow': l.completedSteps,
            },
          },
          fill,
        ),
        h('span', { class: 'progress-text' }, status),
      ),
      h('span', { class: 'lesson-action', attrs: { 'aria-hidden': 'true' } }, action, icon(ICONS.chevronRight)),
    ),
  );
}
