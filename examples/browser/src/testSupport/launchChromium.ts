import { type Browser, chromium } from 'playwright-core';
import { ensureChromium } from './ensureChromium.js';

/**
 * Debian's chromium, headless, with the flags this machine needs: as root no sandbox, and no
 * background networking, component updates or sync — the closed network refuses those
 * connections, many at a time. The one launch every browser test uses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
