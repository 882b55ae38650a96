export * from './messages.ts';
export * from './frames.ts';
export * from './limits.ts';
export * from './api.ts';
export * from './api-schemas.ts';
export * from './notebook.ts';
