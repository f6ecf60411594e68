export * from './calculate.ts';
export * from './enable-when.ts';
export * from './extensions.ts';
export * from './initial.ts';
export * from './items.ts';
export * from './parse.ts';
export * from './text.ts';
export * from './validate.ts';
