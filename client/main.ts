// The browser app's entry: picks the page from the URL and mounts it into #app.
import { ApiFailure } from './api.ts';
import { h, icon, replaceChildren } from './dom.ts';
import { LessonListPage } from './home/lesson-list.ts';
import { LessonPageController } from './lesson/lesson-page.ts';
import { parseRoute } from './route.ts';
import { JoinPage } from './class/join-page.ts';
import { InstructorPage } from './class/instructor-page.ts';
import { ICONS } from './ui/icons.ts';
import { ThemeController } from './ui/theme.ts';
import { Toaster } from './ui/toast.ts';
import { Topbar } from './ui/topbar.ts';
import { homeShell } from './ui/home-shell.ts';

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) throw new Error('stepwise: index.html has no #app element');
  root.classList.remove('boot');
  const theme = new ThemeController();
  const route = parseRoute(location.pathname, location.hash);
  try {
    if (route.page === 'list') await LessonListPage.mount(root, theme);
    else if (route.page === 'join') JoinPage.mount(root, theme);
    else if (route.page === 'instructor') InstructorPage.mount(root, theme, new Toaster());
    else if (route.page === 'lesson')
      await LessonPageController.mount(root, route.lessonId, route.stepId, theme, new Toaster());
    else showProblem(root, theme, 'Page not found', `There is nothing at ${route.path}.`);
  } catch (e: unknown) {
    if (!(e instanceof ApiFailure)) throw e;
    const title = e.code === 'LESSON_NOT_FOUND' || e.status === 404 ? 'Lesson not found' : 'Could not load this page';
    showProblem(root, theme, title, e.message);
  }
}

function showProblem(root: HTMLElement, theme: ThemeController, title: string, message: string): void {
  const topbar = new Topbar(theme, []);
  replaceChildren(
    root,
    homeShell(
      topbar,
      'problem',
      icon(ICONS.alert, 'icon icon-xl'),
      h('h1', null, title),
      h('p', null, message),
      h('p', null, h('a', { attrs: { href: '/' } }, 'See all lessons')),
    ),
  );
}

void start();
