// Shared by every library package.
export { default } from '../../tsup.package.js';
