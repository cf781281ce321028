import { StateStore } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { MissingStateKeyError } from '../errors.js';
import { fillInstruction } from './instructionTemplate.js';

describe('fillInstruction', () => {
  it('fills present keys: strings as they are, other values as JSON', () => {
    const state = { topic: 'a fox', n: 3, tags: ['a', 'b'], 'user:name': 'Ada' };
    expect(fillInstruction('Write {n} lines about {topic} {tags} for {user:name}.', state, 'writer')).toBe(
      'Write 3 lines about a fox ["a","b"] for Ada.',
    );
  });

  it('reads a StateStore key by key, as a snapshot would, without materialising one', () => {
    const store = new StateStore({ topic: 'a fox', n: 3 });
    store.apply({ n: 4, 'temp:mood': { calm: true } });
    const snapshots = { count: 0 };
    const original = store.snapshot.bind(store);
    store.snapshot = () => {
      snapshots.count++;
      return original();
    };
    expect(fillInstruction('{n} lines on {topic}, {temp:mood}, {missing?}.', store, 'w')).toBe(
      '4 lines on a fox, {"calm":true}, .',
    );
    expect(snapshots.count).toBe(0);
    expect(() => fillInstruction('{missing}', store, 'w')).toThrow(MissingStateKeyError);
  });

  it('replaces a missing optional key with the empty string', () => {
    expect(fillInstruction('Story: {current_story?}|Notes: {notes?}', { notes: 'ok' }, 'w')).toBe(
      'Story: |Notes: ok',
    );
  });

  it('fails on a missing required key with a typed error naming agent, field and key', () => {
    const run = () => fillInstruction('Criticise {current_story}', {}, 'critic');
    expect(run).toThrow(MissingStateKeyError);
    try {
      run();
    } catch (error) {
      const e = error as MissingStateKeyError;
      expect(e.agent).toBe('critic');
      expect(e.field).toBe('instruction');
      expect(e.key).toBe('current_story');
      expect(e.message).toContain("'current_story'");
    }
  });

  it('never evaluates code and never reads inherited properties', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a JS template placeholder must stay literal text
    const template = 'a {1+1} b ${globalThis.x} c {constructor.name} d {"json": 1} e {x.y}';
    expect(fillInstruction(template, {}, 'w')).toBe(template);
    expect(() => fillInstruction('{constructor}', {}, 'w')).toThrow(MissingStateKeyError);
    expect(() => fillInstruction('{toString}', {}, 'w')).toThrow(MissingStateKeyError);
  });

  it('does not expand placeholders found inside substituted values', () => {
    expect(fillInstruction('{a}', { a: '{b}', b: 'secret' }, 'w')).toBe('{b}');
  });
});
