/**
 * Angular signals for rxagents runs.
 *
 * @packageDocumentation
 */
export { type RunSignals, type RunSignalsOptions, type RunSignalsStatus, runSignals } from './runSignals.js';
