// Terminal colours for the app's light and dark themes. The light theme keeps xterm's minimum contrast ratio
// on, so programs that print yellow or bright white stay readable on the light background.
import type { ITheme } from '@xterm/xterm';

export type ThemeName = 'light' | 'dark';

export const TERMINAL_THEMES: Record<ThemeName, ITheme> = {
  dark: {
    background: '#14161b',
    foreground: '#d9dde3',
    cursor: '#e6e9ee',
    cursorAccent: '#14161b',
    selectionBackground: '#3a4a66',
    black: '#2a2e36',
    red: '#f0777a',
    green: '#7fcf8f',
    yellow: '#e5c07b',
    blue: '#79a6f2',
    magenta: '#c89af0',
    cyan: '#6cc7d2',
    white: '#d9dde3',
    brightBlack: '#6b7280',
    brightRed: '#ff9a9c',
    brightGreen: '#a2e3ae',
    brightYellow: '#f2d59b',
    brightBlue: '#9dc0ff',
    brightMagenta: '#dcb8ff',
    brightCyan: '#92e0e8',
    brightWhite: '#ffffff',
  },
  light: {
    background: '#fbfbfa',
    foreground: '#24292f',
    cursor: '#24292f',
    cursorAccent: '#fbfbfa',
    selectionBackground: '#c8d7f5',
    black: '#24292f',
    red: '#c2252d',
    green: '#1d7a35',
    yellow: '#8a6100',
    blue: '#1f5fc4',
    magenta: '#8a3fb8',
    cyan: '#137a84',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#a40e26',
    brightGreen: '#116329',
    brightYellow: '#6e4c00',
    brightBlue: '#0a4bb0',
    brightMagenta: '#6e2b99',
    brightCyan: '#0b5f68',
    brightWhite: '#24292f',
  },
};

/** WCAG AA for normal text: xterm adjusts foreground colours that fall below it. */
export const LIGHT_MIN_CONTRAST = 4.5;

/** The terminals' font, in the page's own terminal, the instructor's watch view and the recording player alike. */
export const TERMINAL_FONT_FAMILY =
  '"JetBrains Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

/** The xterm options that follow the page's theme (set at creation, and again on a theme change). */
export function terminalThemeOptions(theme: ThemeName): { theme: ITheme; minimumContrastRatio: number } {
  return { theme: TERMINAL_THEMES[theme], minimumContrastRatio: theme === 'light' ? LIGHT_MIN_CONTRAST : 1 };
}
