// A sub-path of its own because it imports vitest: the main entry stays free of test runners.
export { type SessionServiceUnderTest, sessionServiceConformance } from './sessionServiceConformance.js';
