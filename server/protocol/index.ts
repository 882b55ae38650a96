export * from './messages.ts';
export * from './errors.ts';
export * from './frames.ts';
export * from './limits.ts';
export * from './api.ts';
export * from './api-schemas.ts';
export * from './lifecycle.ts';
export * from './class-api.ts';
