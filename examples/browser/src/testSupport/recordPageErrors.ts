import type { Page } from 'playwright-core';

/**
 * The page's uncaught errors (and, with `console`, its `console.error` messages) as they happen,
 * in a list a test asserts empty at the end: how every browser test sees a failure the page
 * swallowed. The apps that log nothing on purpose opt into `console`; the chat and `rxagents web`
 * pages do not (a cancelled stream may log there by design).
 */
export function recordPageErrors(page: Page, options: { console?: boolean } = {}): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  if (options.console === true) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  }
  return errors;
}
