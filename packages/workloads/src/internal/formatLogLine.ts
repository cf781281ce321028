/** `[YYYY-MM-DD HH:MM:SS] message`, the time in UTC from scheduler milliseconds. */
export function formatLogLine(at: number, message: string): string {
  const iso = new Date(at).toISOString();
  return `[${iso.slice(0, 10)} ${iso.slice(11, 19)}] ${message}`;
}
