// Stroke icons on a 24×24 grid, drawn with currentColor (styles.css `.icon`). Decorative only: every control
// that shows one also has a text label or an aria-label.
export const ICONS = {
  play: 'M7.5 5.2v13.6a.6.6 0 0 0 .9.5l10.6-6.8a.6.6 0 0 0 0-1L8.4 4.7a.6.6 0 0 0-.9.5z',
  stop: 'M7 7h10v10H7z',
  copy: 'M9 9h10v10H9z M5 15V5h10',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
  chevronLeft: 'M14.5 18l-6-6 6-6',
  chevronRight: 'M9.5 18l6-6-6-6',
  chevronDown: 'M6 9.5l6 6 6-6',
  sun: 'M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z M12 2.5v2 M12 19.5v2 M5.3 5.3l1.4 1.4 M17.3 17.3l1.4 1.4 M2.5 12h2 M19.5 12h2 M5.3 18.7l1.4-1.4 M17.3 6.7l1.4-1.4',
  moon: 'M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z',
  reset: 'M3.5 12a8.5 8.5 0 1 0 2.6-6.1 M3.5 4v4.5H8',
  lock: 'M6 11h12v9H6z M8.5 11V8a3.5 3.5 0 0 1 7 0v3',
  clock: 'M12 3.5a8.5 8.5 0 1 0 0 17a8.5 8.5 0 1 0 0-17z M12 7.5v4.5l3 2',
  layers: 'M12 3.5l8.5 4.5-8.5 4.5-8.5-4.5z M3.5 12.5l8.5 4.5 8.5-4.5 M3.5 16.5l8.5 4.5 8.5-4.5',
  bulb: 'M9.5 18h5 M10.5 21h3 M12 3a6 6 0 0 0-3.6 10.8c.7.5 1.1 1.3 1.1 2.2h5c0-.9.4-1.7 1.1-2.2A6 6 0 0 0 12 3z',
  terminal: 'M5 16.5l5-4.5-5-4.5 M12.5 18h6.5',
  folder: 'M3.5 7A1.5 1.5 0 0 1 5 5.5h4l2 2h8a1.5 1.5 0 0 1 1.5 1.5v8.5A1.5 1.5 0 0 1 19 19H5a1.5 1.5 0 0 1-1.5-1.5z',
  file: 'M6.5 3.5h7l4 4v13h-11z M13.5 3.5v4h4',
  link: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1 M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  alert: 'M12 4l9 16H3z M12 10v4.5 M12 17.2v.3',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z M20 20l-4.8-4.8',
  external: 'M14 4h6v6 M20 4l-9 9 M18 14v6H4V6h6',
  trash: 'M4.5 7h15 M9 7V4.5h6V7 M6.5 7l1 13h9l1-13',
  book: 'M4 5.5A1.5 1.5 0 0 1 5.5 4H11v16H5.5A1.5 1.5 0 0 1 4 18.5z M20 5.5A1.5 1.5 0 0 0 18.5 4H13v16h5.5a1.5 1.5 0 0 0 1.5-1.5z',
  docker:
    'M3 12.5h17c.5 0 1-.4 1.2-.9.1-.4.3-.8.8-1 M4 12.5c0 4 3 6.5 8 6.5 4.5 0 7.5-2.3 8.5-6.5 M6 9.5h3v3H6z M9 9.5h3v3H9z M12 9.5h3v3h-3z M9 6.5h3v3H9z M12 6.5h3v3h-3z',
} as const;

export type IconName = keyof typeof ICONS;
