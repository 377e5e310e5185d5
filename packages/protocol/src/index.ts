export * from './errors.ts';
export * from './statuses.ts';
export * from './models.ts';
export * from './network.ts';
export * from './devices.ts';
export * from './agent-link.ts';
export * from './api.ts';
export * from './identity.ts';
