import { describe, expect, it } from 'vitest';
import { judge, step } from '../test/helpers.js';
import { formatLogLine } from './formatLogLine.js';
import { readGoalVerdict } from './GoalVerdict.js';
import { LogBuffer } from './internal/LogBuffer.js';
import { validateConfig } from './validateConfig.js';

describe('validateConfig', () => {
  const agent = step('a', 1);
  it('accepts a good config', () => {
    expect(validateConfig({ goal: 'g', phases: [{ name: 'p', agent }] })).toEqual([]);
    expect(
      validateConfig({
        goal: 'g',
        phases: [{ name: 'p', agent }],
        evaluator: judge('j', [true]),
        maxAttempts: 2,
      }),
    ).toEqual([]);
  });
  it('reports every problem with its field', () => {
    expect(
      validateConfig({
        goal: 3,
        name: 'bad name',
        evaluator: 'x',
        maxAttempts: 0,
        logCapacity: -1,
        onStatusChange: 'no',
        phases: [{ name: 'evaluation', agent }, 7],
      }).map((p) => p.field),
    ).toEqual([
      'goal',
      'name',
      'evaluator',
      'maxAttempts',
      'logCapacity',
      'onStatusChange',
      'phases[0].name',
      'phases[1]',
    ]);
  });
  it('reserves the evaluation phase name only with an evaluator', () => {
    expect(validateConfig({ goal: 'g', phases: [{ name: 'evaluation', agent }] })).toEqual([]);
  });
});

describe('readGoalVerdict', () => {
  it('reads booleans and true/false strings, and nothing else', () => {
    expect(readGoalVerdict({ 'goal:met': true })).toEqual({ met: true, reason: '' });
    expect(readGoalVerdict({ 'goal:met': ' FALSE\n', 'goal:reason': 'r' })).toEqual({
      met: false,
      reason: 'r',
    });
    expect(readGoalVerdict({ 'goal:met': null })).toBeUndefined();
    expect(readGoalVerdict({ 'goal:verdict': { met: true, reason: 'ok' }, 'goal:met': false })).toEqual({
      met: true,
      reason: 'ok',
    });
    expect(readGoalVerdict({ 'goal:verdict': { met: 'yes' } })).toBeUndefined();
    expect(readGoalVerdict({ 'goal:met': 'maybe' })).toBeUndefined();
  });
});

describe('LogBuffer', () => {
  it('keeps the last capacity lines in order', () => {
    const buffer = new LogBuffer(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) buffer.push(line);
    expect(buffer.last(10)).toEqual(['c', 'd', 'e']);
    expect(buffer.last(2)).toEqual(['d', 'e']);
    expect(buffer.last(-1)).toEqual([]);
    expect(buffer.length).toBe(3);
  });
});

describe('formatLogLine', () => {
  it('formats UTC time to the second', () => {
    expect(formatLogLine(Date.UTC(2026, 10, 24, 12, 5, 9, 999), 'hi')).toBe('[2026-11-24 12:05:09] hi');
  });
});
