/** What `fn` throws (the test fails here if it throws nothing), to assert on the error's fields. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** The message of the error `fn` throws: how an assertion helper's own failure text is checked. */
export function thrownMessage(fn: () => unknown): string {
  return (thrown(fn) as Error).message;
}
