import { main } from './main.js';

// `rxagents run … --json | head` closes stdout early: stop quietly, like other Unix tools.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await main(process.argv.slice(2));
// Exit now: a cancelled run leaves nothing pending, but user modules can hold handles open.
process.exit(code);
