export { PostgresSessionService, type PostgresSessionServiceOptions } from './PostgresSessionService.js';
