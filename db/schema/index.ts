export * from './users';
export * from './labs';
export * from './invitations';
export * from './audit-events';
export * from './jobs';
export * from './datasets';
export * from './channels';
export * from './events';
