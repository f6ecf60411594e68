export * from './glucose/index.ts';
export * from './physiology/index.ts';
export * from './random.ts';
export * from './risk/ada.ts';
export * from './risk/findrisc.ts';
export * from './wellbeing/who5.ts';
