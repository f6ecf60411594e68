export * from './glucose/index.ts';
export * from './risk/ada.ts';
export * from './risk/findrisc.ts';
export * from './wellbeing/who5.ts';
