import { InvalidAgentConfigError, StateStore } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { MissingStateKeyError } from '../errors.js';
import { checkInstruction, fillInstruction } from './instructionTemplate.js';

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

// ADK's placeholder rule, ported from ADK Python's test_instructions.py
// (test_build_system_instruction, test_build_system_instruction_with_namespace) and ADK Java's
// InstructionUtilsTest.
describe('fillInstruction with ADK placeholders', () => {
  it('ignores whitespace inside the braces and replaces a run of braces as one placeholder', () => {
    // test_build_system_instruction, word for word.
    const template =
      'Use the echo_info tool to echo { customerId }, {{customer_int  }, {  non-identifier-float}}, ' +
      "{'key1': 'value1'} and {{'key2': 'value2'}}.";
    expect(fillInstruction(template, { customerId: '1234567890', customer_int: 30 }, 'agent')).toBe(
      'Use the echo_info tool to echo 1234567890, 30, {  non-identifier-float}}, ' +
        "{'key1': 'value1'} and {{'key2': 'value2'}}.",
    );
    // InstructionUtilsTest: ...PlaceholderWithSpaces_trimsAndReplacesVariable, ...WithMultipleBraces.
    expect(fillInstruction('helping: {  name  }.', { name: 'James' }, 'a')).toBe('helping: James.');
    expect(fillInstruction('name: {{user:name}}.', { 'user:name': 'Charlie' }, 'a')).toBe('name: Charlie.');
  });

  it('fills app:, user: and temp: keys and leaves any other prefix as written', () => {
    // test_build_system_instruction_with_namespace.
    const state = { customerId: '1234567890', 'app:key': 'app_value', 'user:key': 'user_value' };
    expect(fillInstruction('echo { customerId }, {app:key}, {user:key}, {a:key}.', state, 'agent')).toBe(
      'echo 1234567890, app_value, user_value, {a:key}.',
    );
    expect(fillInstruction('{ temp:mood }', { 'temp:mood': 'calm' }, 'a')).toBe('calm');
    // ...WithInvalidPrefix_returnsPlaceholderAsIs, ...invalid identifier after a valid prefix.
    expect(fillInstruction('Set: {invalidprefix:var}.', { 'invalidprefix:var': 'x' }, 'a')).toBe(
      'Set: {invalidprefix:var}.',
    );
    expect(fillInstruction('say: {user:invalid-var}.', { 'user:invalid-var': 'x' }, 'a')).toBe(
      'say: {user:invalid-var}.',
    );
  });

  it('leaves names that are not state names as written (InstructionUtilsTest)', () => {
    const template = 'Remember these values: {invalid-name!}, {another:bad:name},  {? }, and {}.';
    expect(fillInstruction(template, {}, 'a')).toBe(template);
  });

  it("reads '?' after trimming: { key? } is optional, { key ? } is not a state name", () => {
    expect(fillInstruction('[{ notes? }]', {}, 'a')).toBe('[]');
    expect(fillInstruction('[{ notes? }]', { notes: 'ok' }, 'a')).toBe('[ok]');
    expect(fillInstruction('[{notes ?}]', { notes: 'ok' }, 'a')).toBe('[{notes ?}]');
    expect(() => fillInstruction('{ current_story }', {}, 'critic')).toThrow(MissingStateKeyError);
  });

  it('substitutes a key that holds null, optional or not, as ADK substitutes any present key', () => {
    expect(fillInstruction('{a} {a?}', { a: null }, 'w')).toBe('null null');
  });

  it('refuses artifact placeholders (no artifact service) with a typed error naming agent and field', () => {
    for (const template of ['Know {artifact.notes.txt}.', 'Extra: {{ artifact.more.txt? }}'])
      expect(() => checkInstruction(template, 'reader')).toThrow(InvalidAgentConfigError);
    try {
      checkInstruction('Know {artifact.notes.txt}.', 'reader');
    } catch (error) {
      expect(error).toMatchObject({ agent: 'reader', field: 'instruction' });
      expect((error as Error).message).toContain('{artifact.notes.txt}');
    }
    expect(() => checkInstruction('Write about {topic} and {x.y}.', 'writer')).not.toThrow();
  });
});
