export * from './model';
export * from './fields';
export * from './compile';
export * from './builder';
export * from './text';
export * from './recent';
export * from './findFrame';
