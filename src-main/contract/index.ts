export * from './errors';
export * from './define';
export * from './docker';
export * from './calls';
export * from './client';
export * from './ipc';
export * from './wire';
export * from './typed-client';
