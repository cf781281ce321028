import { describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expectError.js';
import { errorFromCode, registerErrorClass } from './errorRegistry.js';
import {
  GraphStepsExceededError,
  InvalidAgentConfigError,
  InvalidStateError,
  RxAgentsError,
  SessionConflictError,
  StateSchemaError,
} from './errors.js';

class ShelfLifeError extends RxAgentsError {
  readonly days: number;
  constructor(days: number) {
    super('INVALID_STATE', `stale after ${days} days`, { field: 'days' });
    this.days = days;
  }
}
registerErrorClass('INVALID_STATE', ShelfLifeError);

// A code of the app's own, added to the open set of codes by declaration merging.
declare module './errors.js' {
  interface RxAgentsErrorCodes {
    SHELF_EXPIRED: true;
  }
}
class ExpiredError extends RxAgentsError {
  constructor(agent: string) {
    super('SHELF_EXPIRED', `'${agent}' expired`, { agent, field: 'expiry' });
  }
}
registerErrorClass('SHELF_EXPIRED', ExpiredError);

describe('errorFromCode', () => {
  it('rebuilds a core error as its class, with the fields it is given', () => {
    const error = errorFromCode('SESSION_CONFLICT', 'taken', {
      name: 'SessionConflictError',
      agent: 'a',
      field: 'sequence',
      fields: { sessionId: 's1', position: 3 },
    });
    expectError(error, SessionConflictError, {
      code: 'SESSION_CONFLICT',
      message: 'taken',
      agent: 'a',
      sessionId: 's1',
      position: 3,
    });
    expect(error.name).toBe('SessionConflictError');
  });

  it("rebuilds a graph's errors as their classes (a graph run in a worker fails as it would here)", () => {
    const steps = errorFromCode('GRAPH_STEPS_EXCEEDED', 'too many', {
      fields: { lastNode: 'review', maxSteps: 5 },
    });
    expectError(steps, GraphStepsExceededError, { lastNode: 'review', maxSteps: 5 });
    const schema = errorFromCode('STATE_SCHEMA', 'bad', {
      agent: 'write',
      field: 'n',
      fields: { graph: 'g', node: 'write', key: 'n' },
    });
    expectError(schema, StateSchemaError, { graph: 'g', node: 'write', key: 'n' });
  });

  it('picks the class by name among those of one code, and the first registered without a name', () => {
    expect(
      errorFromCode('INVALID_STATE', 'x', { name: 'ShelfLifeError', fields: { days: 2 } }),
    ).toBeInstanceOf(ShelfLifeError);
    expect(errorFromCode('INVALID_STATE', 'x', { name: 'InvalidStateError' })).not.toBeInstanceOf(
      ShelfLifeError,
    );
    expect(errorFromCode('INVALID_STATE', 'x')).toBeInstanceOf(InvalidStateError);
    expect(errorFromCode('INVALID_AGENT_CONFIG', 'x')).toBeInstanceOf(InvalidAgentConfigError);
  });

  it('an unregistered code or name gives a plain RxAgentsError carrying the code and the name', () => {
    for (const error of [
      errorFromCode('NOT_A_CODE', 'm', { name: 'ElsewhereError', fields: { n: 1 } }),
      errorFromCode('SESSION_CONFLICT', 'm', { name: 'ElsewhereError', fields: { n: 1 } }),
    ]) {
      expect(Object.getPrototypeOf(error)).toBe(RxAgentsError.prototype);
      expect(error).toMatchObject({ name: 'ElsewhereError', message: 'm', n: 1 });
    }
    expect(errorFromCode('NOT_A_CODE', 'm').code).toBe('NOT_A_CODE');
  });

  it("rebuilds a class registered under an app's own code as that class", () => {
    const error = errorFromCode('SHELF_EXPIRED', "'milk' expired", {
      name: 'ExpiredError',
      agent: 'milk',
      field: 'expiry',
    });
    expect(error).toBeInstanceOf(ExpiredError);
    expect(error).toMatchObject({ code: 'SHELF_EXPIRED', agent: 'milk', field: 'expiry' });
    // @ts-expect-error a code nobody declared is a compile error, not a silent new kind
    expect(() => new RxAgentsError('SHELF_EXPIRD', 'typo')).not.toThrow();
  });

  it('fields cannot overwrite the code, message, agent or field', () => {
    const error = errorFromCode('AGENT_TIMEOUT', 'late', {
      agent: 'a',
      fields: { code: 'X', message: 'y', agent: 'z', field: 'w', milliseconds: 5 },
    });
    expect(error).toMatchObject({ code: 'AGENT_TIMEOUT', message: 'late', agent: 'a', milliseconds: 5 });
    expect(error.field).toBeUndefined();
  });
});
