import { createColors } from 'picocolors';

// Colour only for a terminal: picocolors also turns colours on whenever `CI` is set, which would
// put escape codes into piped output and files.
const env = process.env;
const enabled = !('NO_COLOR' in env) && ('FORCE_COLOR' in env || process.stdout.isTTY === true);

/** picocolors, on when stdout is a terminal (or FORCE_COLOR is set) and NO_COLOR is not. */
export const pc = createColors(enabled);
